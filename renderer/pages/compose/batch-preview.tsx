// "N jobs" and the first few expansions, as main computed them (the same expansion that queueing stores).
import { useTranslation } from 'react-i18next';
import type { BatchPreviewDto, ParameterFieldDto } from '../../../preload/schemas/jobs';
import { inputLabel } from '../../api/input-pictures';
import { useFieldLabel } from './parameter-form';

export function BatchPreview(props: {
  preview: BatchPreviewDto | null;
  busy: boolean;
  error: string | null;
  fields: ParameterFieldDto[];
}) {
  const { t } = useTranslation();
  const label = useFieldLabel();
  const { preview } = props;
  const fieldLabel = (id: string) => {
    const field = props.fields.find((item) => item.id === id);
    return field ? label(field) : id;
  };
  return (
    <section className="compose-card batch-preview" aria-live="polite" aria-busy={props.busy}>
      <h2 className="compose-card__title">{t('compose.preview.title')}</h2>
      {props.error ? (
        <p className="compose-error" role="alert">
          {props.error}
        </p>
      ) : null}
      {preview ? (
        <>
          <p className="batch-preview__total" data-testid="preview-total">
            {t('compose.preview.total', { count: preview.total })}
          </p>
          {preview.large ? <p className="notice">{t('compose.preview.large')}</p> : null}
          {preview.identicalRepeats ? (
            <p className="notice compose-warning" role="note" data-testid="identical-repeats">
              {t('compose.preview.identicalRepeats')}
            </p>
          ) : null}
          <ol className="batch-preview__list">
            {preview.jobs.map((job) => {
              const patch = Object.entries(job.patch).filter(
                ([id]) =>
                  !props.fields.some(
                    (f) => f.id === id && (f.kind === 'positive' || f.kind === 'negative' || f.kind === 'seed'),
                  ),
              );
              return (
                <li key={job.index} className="batch-preview__job">
                  <span className="batch-preview__index">{job.index + 1}</span>
                  <span className="batch-preview__prompt">{job.prompt ?? t('compose.preview.workflowPrompt')}</span>
                  {job.seed !== null ? (
                    <span className="batch-preview__meta">{t('compose.preview.seed', { seed: job.seed })}</span>
                  ) : null}
                  {patch.slice(0, 3).map(([id, value]) => (
                    <span key={id} className="batch-preview__meta">
                      {fieldLabel(id)} = {inputLabel(String(value))}
                    </span>
                  ))}
                </li>
              );
            })}
          </ol>
          {preview.total > preview.jobs.length ? (
            <p className="field__hint">{t('compose.preview.more', { count: preview.total - preview.jobs.length })}</p>
          ) : null}
        </>
      ) : props.error ? null : (
        <p className="muted">{t('common.loading')}</p>
      )}
    </section>
  );
}
