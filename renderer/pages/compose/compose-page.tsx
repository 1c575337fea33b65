// Compose: pick a workflow, fill its form and the batch builder, see how many jobs that makes, and queue them
// (Ctrl/Cmd+Enter). Workflow files (JSON or a ComfyUI PNG) and prompt lists (.txt) can be dropped anywhere here.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ContractCallError } from '../../../preload/contract';
import { LARGE_BATCH } from '../../../preload/schemas/jobs';
import type { PoolDto } from '../../../preload/schemas/pools';
import { artlab } from '../../api/artlab';
import { Dialog } from '../../components/dialog';
import { EmptyState } from '../../components/empty-state';
import { ArrowRightIcon, ComposeIcon } from '../../components/icons';
import { PageHeader } from '../../components/page-header';
import { navigateTo } from '../../navigation/use-current-page';
import { shortcutModifier } from '../../navigation/page-shortcuts';
import { errorMessage } from '../../settings/settings-context';
import { BatchBuilder } from './batch-builder';
import { BatchPreview } from './batch-preview';
import { CatalogueLine } from './catalogue-line';
import { imageValues, specFromDraft, withImages, withoutImages } from './compose-draft';
import { ParameterForm } from './parameter-form';
import { useComposeInput } from './use-compose-input';
import { PoolDialog } from './pool-dialog';
import { ServicePicker } from './service-picker';
import { errorAt, useCompose } from './use-compose';
import { WorkflowPicker } from './workflow-picker';
import { isPromptList, workflowImportFromFile } from './workflow-files';
import './compose.css';

/** How long the "Queued N jobs" banner stays when the form is left as it was. */
const QUEUED_BANNER_MS = 20_000;

export function ComposePage() {
  const { t } = useTranslation();
  const state = useCompose();
  const { detail, draft, preview, serviceId, setDraft, setError, refreshWorkflows, selectWorkflow } = state;
  const { waiting } = useComposeInput(detail, draft, serviceId, setDraft, setError);
  const [dragging, setDragging] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [startAsk, setStartAsk] = useState<{ sentence: string; confirmLarge: boolean } | null>(null);
  const [queueing, setQueueing] = useState(false);
  const [poolDialog, setPoolDialog] = useState<{ open: boolean; pool: PoolDto | undefined }>({
    open: false,
    pool: undefined,
  });
  // The last queueing, with the form's version when it was sent: the banner speaks of that form only, so it goes when
  // the artist edits or picks another workflow, after a while, or when the next queueing replaces it.
  const [queued, setQueued] = useState<{ label: string; total: number; formVersion: string } | null>(null);
  useEffect(() => {
    if (!queued) return;
    const timer = setTimeout(() => setQueued(null), QUEUED_BANNER_MS);
    return () => clearTimeout(timer);
  }, [queued]);
  const dragDepth = useRef(0);

  const importFiles = useCallback(
    async (files: File[]) => {
      for (const file of files) {
        try {
          if (isPromptList(file)) {
            const text = await file.text();
            setDraft((current) => ({ ...current, prompts: text }));
            continue;
          }
          const summary = await artlab.call('workflows.import', await workflowImportFromFile(file));
          await refreshWorkflows();
          selectWorkflow(summary.id);
          setError(null);
        } catch (cause) {
          setError(errorMessage(cause));
        }
      }
    },
    [refreshWorkflows, selectWorkflow, setDraft, setError],
  );

  const total = preview?.total ?? 0;
  // An API-edition service without its OSS output location could deliver no image: the picker says so, with the fix.
  // A pool leaves such a service out by itself (main says why), as long as two or more remain to choose from.
  const serviceNeedsOss = !state.pool && state.services?.find((service) => service.id === serviceId)?.needsOss === true;
  const poolTooSmall = state.pool !== undefined && state.pool.serviceIds.length < 2;
  const canQueue = Boolean(
    detail && draft && serviceId && preview && total > 0 && !queueing && !serviceNeedsOss && !poolTooSmall,
  );

  const queue = useCallback(
    async (confirmLarge: boolean, startService = false) => {
      if (!detail || !draft || !serviceId) return;
      const formVersion = state.formVersion;
      setQueueing(true);
      try {
        const label = draft.label.trim();
        const pool = state.pool;
        const batch = await artlab.call('batches.queue', {
          ...(pool ? { serviceIds: pool.serviceIds } : { serviceId }),
          workflowId: detail.id,
          spec: specFromDraft(detail, draft),
          ...(label ? { label } : {}),
          ...(confirmLarge ? { confirmLarge } : {}),
          ...(startService ? { startService } : {}),
        });
        setQueued({ label: batch.label, total: batch.total, formVersion });
        setError(null);
      } catch (cause) {
        // The service's GPU is stopped: the artist decides whether to start it (billing starts) and queue.
        if (cause instanceof ContractCallError && cause.code === 'batch-service-stopped') {
          setStartAsk({ sentence: errorMessage(cause), confirmLarge });
          return;
        }
        const at = errorAt(cause);
        if (at) state.setFieldError(at);
        else setError(errorMessage(cause));
      } finally {
        setQueueing(false);
      }
    },
    [detail, draft, serviceId, setError, state],
  );

  const requestQueue = useCallback(() => {
    if (!canQueue) return;
    if (total > LARGE_BATCH) setConfirming(true);
    else void queue(false);
  }, [canQueue, total, queue]);

  // Ctrl/Cmd+Enter acts on the form as it is now. The listener stays put and reads the latest handler, set as each
  // render commits: a listener re-added by a passive effect would, until that effect ran, still hold the previous
  // render's form (a key pressed just after an edit could queue the form without it, or find the button not ready).
  const onQueueKey = useRef<() => void>(() => undefined);
  useLayoutEffect(() => {
    onQueueKey.current = () => {
      if (!confirming && !startAsk) requestQueue();
    };
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
      event.preventDefault();
      onQueueKey.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onDragEnter = (event: DragEvent) => {
    if (!event.dataTransfer.types.includes('Files')) return;
    dragDepth.current += 1;
    setDragging(true);
  };
  const onDragLeave = () => {
    dragDepth.current = Math.max(0, dragDepth.current - 1);
    if (dragDepth.current === 0) setDragging(false);
  };
  const onDrop = (event: DragEvent) => {
    // An image input took it (image-field.tsx): not a workflow to import.
    const taken = event.defaultPrevented;
    event.preventDefault();
    dragDepth.current = 0;
    setDragging(false);
    const files = [...event.dataTransfer.files];
    if (files.length > 0 && !taken) void importFiles(files);
  };

  const queueButton = (
    <button
      type="button"
      className="button button--primary"
      disabled={!canQueue}
      onClick={requestQueue}
      aria-keyshortcuts="Control+Enter Meta+Enter"
      title={t('compose.queue.shortcut', { modifier: shortcutModifier })}
      data-testid="queue-batch"
    >
      {t(preview?.identicalRepeats ? 'compose.queue.buttonIdentical' : 'compose.queue.button', { count: total })}
      <kbd className="kbd compose-kbd">{shortcutModifier} ↵</kbd>
    </button>
  );

  const noServices = state.services !== null && state.services.length === 0;
  const previewError = state.fieldError ? state.fieldError.message : null;

  return (
    <div
      className="compose"
      onDragEnter={onDragEnter}
      onDragLeave={onDragLeave}
      onDragOver={(event) => event.preventDefault()}
      onDrop={onDrop}
    >
      <PageHeader title={t('compose.title')} subtitle={t('compose.subtitle')} actions={queueButton} />
      {state.error ? (
        <p className="alert" role="alert">
          {state.error}
        </p>
      ) : null}
      {waiting ? (
        <p className="notice" data-testid="compose-input-waiting">
          {t('compose.image.waiting', { file: waiting.fileName })}
        </p>
      ) : null}
      {queued && queued.formVersion === state.formVersion ? (
        <div className="notice compose-queued" role="status">
          <span>{t('compose.queue.done', { count: queued.total, label: queued.label })}</span>
          <button type="button" className="button" onClick={() => navigateTo('queue')}>
            {t('compose.queue.open')}
            <ArrowRightIcon size={16} />
          </button>
        </div>
      ) : null}
      {noServices ? (
        <EmptyState
          icon={<ComposeIcon size={28} />}
          title={t('compose.empty.title')}
          action={
            <button type="button" className="button" onClick={() => navigateTo('services')}>
              {t('compose.empty.action')}
              <ArrowRightIcon size={18} />
            </button>
          }
        >
          <p>{t('compose.empty.body')}</p>
          <p className="muted">{t('compose.empty.import')}</p>
        </EmptyState>
      ) : state.workflows === null || state.services === null ? (
        <p className="muted">{t('common.loading')}</p>
      ) : (
        <div className="compose-layout">
          <div className="compose-main">
            <WorkflowPicker
              workflows={state.workflows}
              workflowId={state.workflowId}
              onSelect={selectWorkflow}
              onImportFiles={(files) => void importFiles(files)}
              onChanged={refreshWorkflows}
              onError={setError}
            />
            {detail && draft ? (
              <>
                <BatchBuilder
                  draft={draft}
                  fields={detail.parameters}
                  fieldError={state.fieldError}
                  catalogueName={state.services.find((service) => service.id === detail.catalogue?.serviceId)?.name}
                  onChange={setDraft}
                />
                <ParameterForm
                  fields={detail.parameters}
                  values={draft.values}
                  seedInput={draft.seedInput}
                  catalogueName={state.services.find((service) => service.id === detail.catalogue?.serviceId)?.name}
                  fieldError={state.fieldError}
                  onChange={(id, value) =>
                    setDraft((current) => ({ ...current, values: { ...current.values, [id]: value } }))
                  }
                  images={{
                    serviceId,
                    serviceName: state.services.find((service) => service.id === serviceId)?.name,
                    valuesOf: (field) => imageValues(draft, field),
                    onImages: (field, values) => setDraft((current) => withImages(current, field, values)),
                    onReset: (field) => setDraft((current) => withoutImages(current, field)),
                  }}
                />
              </>
            ) : null}
          </div>
          <aside className="compose-side">
            <section className="compose-card">
              <h2 className="compose-card__title">{t('compose.target.title')}</h2>
              <ServicePicker
                services={state.services}
                serviceId={serviceId}
                onSelect={state.setServiceId}
                pools={state.pools}
                pool={state.pool}
                onSelectPool={state.selectPool}
                onNewPool={() => setPoolDialog({ open: true, pool: undefined })}
                onEditPool={() => setPoolDialog({ open: true, pool: state.pool })}
              />
              <PoolDialog
                open={poolDialog.open}
                pool={poolDialog.pool}
                services={state.services}
                onSaved={(pool) => {
                  state.selectPool(pool.id);
                  setPoolDialog({ open: false, pool: undefined });
                }}
                onDeleted={() => {
                  state.selectPool(null);
                  setPoolDialog({ open: false, pool: undefined });
                }}
                onClose={() => setPoolDialog({ open: false, pool: undefined })}
              />
              {detail ? (
                <CatalogueLine
                  catalogue={detail.catalogue}
                  service={state.services.find((service) => service.id === serviceId)}
                  services={state.services}
                  onRefreshed={state.catalogueRefreshed}
                />
              ) : null}
              {draft ? (
                <label className="field">
                  <span className="field__label">{t('compose.target.label')}</span>
                  <input
                    className="compose-input"
                    value={draft.label}
                    placeholder={t('compose.target.labelPlaceholder')}
                    onChange={(e) => setDraft((current) => ({ ...current, label: e.target.value }))}
                  />
                </label>
              ) : null}
              {detail ? (
                <button type="button" className="compose-link" onClick={state.resetDraft}>
                  {t('compose.target.reset')}
                </button>
              ) : null}
            </section>
            {detail && draft ? (
              <BatchPreview preview={preview} busy={state.previewing} error={previewError} fields={detail.parameters} />
            ) : null}
          </aside>
        </div>
      )}
      {dragging ? (
        <div className="compose-drop" aria-hidden="true">
          <p>{t('compose.workflow.dropHere')}</p>
        </div>
      ) : null}
      <Dialog open={startAsk !== null} title={t('compose.queue.startTitle')} onClose={() => setStartAsk(null)}>
        <div className="dialog__body" data-testid="start-and-queue">
          <p>{startAsk?.sentence}</p>
          <p className="notice">{t('compose.queue.startBody')}</p>
          <div className="dialog__actions">
            <button type="button" className="button" data-autofocus onClick={() => setStartAsk(null)}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="button button--primary"
              onClick={() => {
                const ask = startAsk;
                setStartAsk(null);
                void queue(ask?.confirmLarge ?? false, true);
              }}
            >
              {t('compose.queue.startAndQueue')}
            </button>
          </div>
        </div>
      </Dialog>
      <Dialog open={confirming} title={t('compose.queue.confirmTitle')} onClose={() => setConfirming(false)}>
        <div className="dialog__body">
          <p>{t('compose.queue.confirmBody', { count: total })}</p>
          <div className="dialog__actions">
            <button type="button" className="button" data-autofocus onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="button button--primary"
              onClick={() => {
                setConfirming(false);
                void queue(true);
              }}
            >
              {t('compose.queue.button', { count: total })}
            </button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
