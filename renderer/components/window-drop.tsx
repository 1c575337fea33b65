// A ComfyUI PNG or workflow JSON dropped anywhere on the window opens its workflow in Compose. Compose handles drops
// on itself; on every other page this imports the file through `workflows.import` and hands it over.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { artlab } from '../api/artlab';
import { navigateTo, useCurrentPage } from '../navigation/use-current-page';
import { composeSession } from '../pages/compose/compose-draft';
import { openInCompose } from '../pages/compose/compose-prefill';
import { workflowImportFromFile } from '../pages/compose/workflow-files';
import { errorMessage } from '../settings/settings-context';
import './window-drop.css';

const WORKFLOW_FILE = /\.(png|json)$/i;

function droppedWorkflow(event: DragEvent): File | undefined {
  return [...(event.dataTransfer?.files ?? [])].find(
    (file) => WORKFLOW_FILE.test(file.name) || file.type === 'image/png' || file.type === 'application/json',
  );
}

export function WindowDrop() {
  const { t } = useTranslation();
  const page = useCurrentPage();
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  useEffect(() => {
    if (page === 'compose') return;
    const onDragOver = (event: DragEvent) => {
      // Without preventDefault the browser would open the file in place of the app.
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    const onDrop = (event: DragEvent) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      const file = droppedWorkflow(event);
      if (!file) return;
      setMessage({ text: t('gallery.drop.importing', { name: file.name }), error: false });
      void (async () => {
        try {
          const summary = await artlab.call('workflows.import', await workflowImportFromFile(file));
          const detail = await artlab.call('workflows.get', { id: summary.id });
          openInCompose({
            serviceId: composeSession.serviceId ?? '',
            workflowId: summary.id,
            workflowJson: detail.json,
            values: {},
            source: 'png',
          });
          setMessage(null);
          navigateTo('compose');
        } catch (cause) {
          setMessage({ text: t('gallery.drop.failed', { name: file.name, reason: errorMessage(cause) }), error: true });
        }
      })();
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [page, t]);

  if (!message) return null;
  return (
    <div
      className={message.error ? 'alert window-drop' : 'notice window-drop'}
      role={message.error ? 'alert' : 'status'}
    >
      <span>{message.text}</span>
      {message.error ? (
        <button type="button" className="icon-button" aria-label={t('common.close')} onClick={() => setMessage(null)}>
          ×
        </button>
      ) : null}
    </div>
  );
}
