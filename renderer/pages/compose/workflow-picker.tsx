// The workflow library: choose one, import JSON or a ComfyUI PNG, rename, duplicate, delete.
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WorkflowSummaryDto } from '../../../preload/schemas/jobs';
import { artlab } from '../../api/artlab';
import { Dialog } from '../../components/dialog';
import { workflowDisplayName } from '../../i18n/built-in-names';
import { errorMessage } from '../../settings/settings-context';

export function WorkflowPicker(props: {
  workflows: WorkflowSummaryDto[];
  workflowId: string | null;
  onSelect: (id: string | null) => void;
  onImportFiles: (files: File[]) => void;
  onChanged: () => Promise<unknown>;
  onError: (message: string | null) => void;
}) {
  const { t } = useTranslation();
  const selectId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const current = props.workflows.find((workflow) => workflow.id === props.workflowId);

  const run = async (action: () => Promise<string | null | undefined>) => {
    try {
      const selected = await action();
      await props.onChanged();
      if (selected !== undefined) props.onSelect(selected);
      props.onError(null);
    } catch (cause) {
      props.onError(errorMessage(cause));
    }
  };

  const rename = (id: string, name: string) =>
    run(async () => {
      await artlab.call('workflows.rename', { id, name });
      setRenaming(null);
      return undefined;
    });

  return (
    <section className="compose-card" aria-labelledby={`${selectId}-title`}>
      <h2 id={`${selectId}-title`} className="compose-card__title">
        {t('compose.workflow.title')}
      </h2>
      <div className="workflow-picker">
        <label htmlFor={selectId} className="cq-hidden">
          {t('compose.workflow.label')}
        </label>
        <select
          id={selectId}
          className="select workflow-picker__select"
          value={props.workflowId ?? ''}
          onChange={(event) => props.onSelect(event.target.value || null)}
        >
          {props.workflows.map((workflow) => (
            <option key={workflow.id} value={workflow.id}>
              {workflowDisplayName(t, workflow)} · {t(`compose.workflow.source.${workflow.source}`)} ·{' '}
              {t('compose.workflow.nodes', { count: workflow.nodeCount })}
            </option>
          ))}
        </select>
        <button type="button" className="button" onClick={() => fileInput.current?.click()}>
          {t('compose.workflow.import')}
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,.png,application/json,image/png"
          className="cq-hidden"
          tabIndex={-1}
          // The visible button beside it opens it: announced once, as that button.
          aria-hidden="true"
          data-testid="workflow-file"
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            event.target.value = '';
            if (files.length > 0) props.onImportFiles(files);
          }}
        />
        <button
          type="button"
          className="button"
          disabled={!current}
          onClick={() => current && setRenaming(workflowDisplayName(t, current))}
        >
          {t('compose.workflow.rename')}
        </button>
        <button
          type="button"
          className="button"
          disabled={!current}
          onClick={() =>
            current && void run(async () => (await artlab.call('workflows.duplicate', { id: current.id })).id)
          }
        >
          {t('compose.workflow.duplicate')}
        </button>
        <button type="button" className="button" disabled={!current} onClick={() => setDeleting(true)}>
          {t('compose.workflow.delete')}
        </button>
      </div>
      <p className="field__hint">{t('compose.workflow.dropHint')}</p>
      <Dialog open={renaming !== null} title={t('compose.workflow.renameTitle')} onClose={() => setRenaming(null)}>
        <form
          className="dialog__body form"
          onSubmit={(event) => {
            event.preventDefault();
            if (current && renaming?.trim()) void rename(current.id, renaming.trim());
          }}
        >
          <label className="field">
            <span className="field__label">{t('compose.workflow.name')}</span>
            <input
              className="compose-input"
              data-autofocus
              value={renaming ?? ''}
              onChange={(event) => setRenaming(event.target.value)}
            />
          </label>
          <div className="dialog__actions">
            <button type="button" className="button" onClick={() => setRenaming(null)}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="button button--primary" disabled={!renaming?.trim()}>
              {t('compose.workflow.rename')}
            </button>
          </div>
        </form>
      </Dialog>
      <Dialog open={deleting} title={t('compose.workflow.deleteTitle')} onClose={() => setDeleting(false)}>
        <div className="dialog__body">
          <p>{t('compose.workflow.deleteBody', { name: current ? workflowDisplayName(t, current) : '' })}</p>
          <div className="dialog__actions">
            <button type="button" className="button" data-autofocus onClick={() => setDeleting(false)}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="button cq-danger"
              onClick={() => {
                setDeleting(false);
                if (current) {
                  void run(async () => {
                    await artlab.call('workflows.delete', { id: current.id });
                    return props.workflows.find((workflow) => workflow.id !== current.id)?.id ?? null;
                  });
                }
              }}
            >
              {t('compose.workflow.delete')}
            </button>
          </div>
        </div>
      </Dialog>
    </section>
  );
}
