// A modal on the native <dialog>: the browser traps focus, closes on Escape and restores focus on close.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CloseIcon } from './icons';

export function Dialog(props: { open: boolean; title: string; onClose: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      dialog.showModal();
      // showModal focuses the first focusable element (the close button); a form wants its first field instead.
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={props.onClose}>
      <header className="dialog__header">
        <h2 id={titleId} className="dialog__title">
          {props.title}
        </h2>
        <button type="button" className="icon-button" aria-label={t('common.close')} onClick={props.onClose}>
          <CloseIcon size={18} />
        </button>
      </header>
      {props.children}
    </dialog>
  );
}
