// An input image of the workflow (LoadImage and its kind): drop files, paste one, or choose them; each is sent to the
// service at once (main names it by its content, so the same bytes are sent once) and shown as a thumbnail. One image
// sets the input; several are an axis of the batch, one job each. A value the workflow already names (a re-run) is
// looked for on the service, sent again from this computer's copy, or said to be gone.
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ParameterFieldDto } from '../../../preload/schemas/jobs';
import { artlab } from '../../api/artlab';
import { inputLabel, isInputName, pictures } from '../../api/input-pictures';
import { errorMessage } from '../../settings/settings-context';

const ACCEPT = 'image/png,image/jpeg,image/webp,image/gif';

function base64Of(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result.replace(/^data:[^,]*,/, '') : '');
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
}

type Status =
  | { kind: 'idle' }
  | { kind: 'sending'; done: number; total: number }
  | { kind: 'ready'; count: number; sent: number; reused: number }
  | { kind: 'failed'; message: string };

export function ImageField(props: {
  field: ParameterFieldDto;
  label: string;
  /** One value, or the values of the field's axis. */
  values: string[];
  serviceId: string | null;
  serviceName: string | undefined;
  error: string | undefined;
  onChange: (values: string[]) => void;
  onReset: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [over, setOver] = useState(false);
  const { field, values, serviceId, onChange } = props;
  const service = props.serviceName ?? '';
  const own = values.length === 1 && values[0] === String(field.value) && !isInputName(values[0] ?? '');

  const send = async (files: File[]) => {
    if (!serviceId) return setStatus({ kind: 'failed', message: t('compose.image.noService') });
    const images = files.filter((file) => file.size > 0);
    if (images.length === 0) return;
    const chosen: string[] = [];
    let reused = 0;
    try {
      for (const [index, file] of images.entries()) {
        setStatus({ kind: 'sending', done: index + 1, total: images.length });
        // A pasted image has no name of its own.
        const fileName = file.name || 'pasted.png';
        const answer = await artlab.call('workflows.uploadImage', {
          serviceId,
          fileName,
          base64: await base64Of(file),
        });
        if (!pictures.has(answer.value)) pictures.set(answer.value, { fileName, url: URL.createObjectURL(file) });
        if (answer.reused) reused += 1;
        if (!chosen.includes(answer.value)) chosen.push(answer.value);
      }
      setStatus({ kind: 'ready', count: chosen.length, sent: images.length - reused, reused });
      onChange(chosen);
    } catch (cause) {
      setStatus({ kind: 'failed', message: errorMessage(cause) });
      if (chosen.length > 0) onChange(chosen);
    }
  };

  // A value this session did not send (a re-run, a workflow saved with one): looked for on the service, once per
  // value and service; the answer arrives as `check`.
  const [first] = values;
  const unknown = values.length === 1 && first !== undefined && isInputName(first) && !pictures.has(first);
  const checkKey = unknown && serviceId ? `${serviceId}\n${first}` : null;
  const [check, setCheck] = useState<{ key: string; fromCopy?: boolean; message?: string } | null>(null);
  useEffect(() => {
    if (!checkKey || !first || !serviceId) return;
    let cancelled = false;
    artlab
      .call('workflows.uploadImage', { serviceId, value: first })
      .then((answer) => {
        if (!cancelled) setCheck({ key: checkKey, fromCopy: answer.fromCopy === true });
      })
      .catch((cause: unknown) => {
        if (!cancelled) setCheck({ key: checkKey, message: errorMessage(cause) });
      });
    return () => {
      cancelled = true;
    };
  }, [checkKey, first, serviceId]);
  const checked = checkKey !== null && check?.key === checkKey ? check : null;

  const line = (() => {
    switch (status.kind) {
      case 'sending':
        return t('compose.image.sending', { done: status.done, total: status.total, service });
      case 'ready':
        return t('compose.image.ready', { count: status.count, sent: status.sent, reused: status.reused, service });
      default:
        if (checkKey !== null && !checked) return t('compose.image.checking', { service });
        if (checked && checked.message === undefined) {
          return t(checked.fromCopy ? 'compose.image.fromCopy' : 'compose.image.onService', { service });
        }
        if (first !== undefined && pictures.get(first)?.fromGallery === serviceId) {
          return t('compose.image.fromGallery', { service });
        }
        return own ? t('compose.image.workflowOwn') : null;
    }
  })();
  const failure = props.error ?? (status.kind === 'failed' ? status.message : (checked?.message ?? null));

  return (
    <div className="field compose-field compose-field--image">
      <span className="field__label" id={`${id}-label`}>
        {props.label}
      </span>
      <div
        className={`image-field${over ? ' image-field--over' : ''}`}
        role="group"
        aria-labelledby={`${id}-label`}
        aria-describedby={`${id}-hint`}
        data-field={field.id}
        data-testid="image-field"
        tabIndex={0}
        onDragOver={(event) => {
          if (!event.dataTransfer.types.includes('Files')) return;
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          // Handled here: the page's own drop (a workflow to import) leaves it alone.
          event.preventDefault();
          setOver(false);
          void send([...event.dataTransfer.files]);
        }}
        onPaste={(event) => {
          const files = [...event.clipboardData.files].filter((file) => file.type.startsWith('image/'));
          if (files.length === 0) return;
          event.preventDefault();
          void send(files);
        }}
      >
        <ul className="image-field__strip">
          {values.map((value) => {
            const picture = pictures.get(value);
            return (
              <li key={value} className="image-field__item" title={picture?.fileName ?? value}>
                {picture?.url ? (
                  <img className="image-field__thumb" src={picture.url} alt={picture.fileName} />
                ) : (
                  <span className="image-field__thumb image-field__thumb--none" aria-hidden="true" />
                )}
                <span className="image-field__name">{inputLabel(value)}</span>
              </li>
            );
          })}
        </ul>
        <div className="image-field__actions">
          <button type="button" className="button" onClick={() => input.current?.click()}>
            {t('compose.image.choose')}
          </button>
          {!own ? (
            <button
              type="button"
              className="button"
              onClick={() => {
                setStatus({ kind: 'idle' });
                props.onReset();
              }}
            >
              {t('compose.image.clear')}
            </button>
          ) : null}
          <span className="image-field__hint">{t('compose.image.dropShort')}</span>
        </div>
        <input
          ref={input}
          className="cq-hidden"
          type="file"
          accept={ACCEPT}
          multiple
          tabIndex={-1}
          aria-label={t('compose.image.choose')}
          data-testid="image-field-file"
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            event.target.value = '';
            void send(files);
          }}
        />
      </div>
      {failure ? (
        <div className="compose-error" role="alert">
          {failure}
        </div>
      ) : null}
      <div id={`${id}-hint`} className="field__hint" data-testid="image-field-status">
        {line ? <div>{line}</div> : null}
        {field.classType === 'LoadImageMask' ? <div>{t('compose.image.mask')}</div> : null}
        {field.nodeTitle}
      </div>
    </div>
  );
}
