// The lightbox's metadata panel and the actions on one image.
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { GalleryImageDetails } from '../../../preload/schemas/gallery';
import type { BatchCostDto } from '../../../preload/schemas/lifecycle';
import { artlab, transport } from '../../api/artlab';
import { downloadOriginals } from './download-originals';
import { Dialog } from '../../components/dialog';
import { formatBytes, formatDateTime, formatMoney, formatNumber } from '../../i18n/format';
import { queueBatchHandoff } from '../../navigation/page-handoff';
import { navigateTo } from '../../navigation/use-current-page';
import { errorMessage } from '../../settings/settings-context';
import { giveComposeInput, openInCompose } from '../compose/compose-prefill';

function formatSize(bytes: number | null): string | null {
  return bytes === null ? null : formatBytes(bytes);
}

function seconds(from: number | null | undefined, to: number | null | undefined): string | null {
  if (from == null || to == null) return null;
  return `${formatNumber((to - from) / 1000, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;
}

/** The batch's label, once `batches.get` answered (null: the batch is gone or could not be read). */
/** The image's share of its batch's estimated cost; null without a price (or before the batch has figures). */
function useBatchCost(batchId: string | null): BatchCostDto | null {
  const [cost, setCost] = useState<BatchCostDto | null>(null);
  useEffect(() => {
    if (batchId === null) return;
    let cancelled = false;
    artlab.call('batches.cost', { batchId }).then(
      (next) => !cancelled && setCost(next),
      () => !cancelled && setCost(null),
    );
    return () => {
      cancelled = true;
    };
  }, [batchId]);
  return cost?.batchId === batchId ? cost : null;
}

function useBatchLabel(batchId: string | null): string | null {
  const [label, setLabel] = useState<{ batchId: string; label: string | null } | null>(null);
  useEffect(() => {
    if (batchId === null) return;
    let cancelled = false;
    artlab.call('batches.get', { batchId }).then(
      (batch) => !cancelled && setLabel({ batchId, label: batch.label }),
      () => !cancelled && setLabel({ batchId, label: null }),
    );
    return () => {
      cancelled = true;
    };
  }, [batchId]);
  return label?.batchId === batchId ? label.label : null;
}

export function LightboxDetails(props: {
  details: GalleryImageDetails;
  /** The service's name, when it still exists. */
  serviceName: string | undefined;
  onFavorite: () => void;
  onError: (message: string | null) => void;
}) {
  const { t } = useTranslation();
  const { details: d, onError } = props;
  const [copied, setCopied] = useState<string | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  // A PreviewImage output the artist keeps here enters the Gallery (the details are not read again for it).
  const [kept, setKept] = useState(false);
  const preview = d.preview === true && !kept;
  const keep = () =>
    act(async () => {
      await artlab.call('gallery.keep', { ids: [d.id] });
      setKept(true);
      setNote(t('gallery.lightbox.kept'));
    });

  const act = (action: () => Promise<void>) => {
    action().then(
      () => onError(null),
      (cause: unknown) => onError(errorMessage(cause)),
    );
  };
  const copy = (what: string, text: string) =>
    act(async () => {
      await navigator.clipboard.writeText(text);
      setCopied(what);
    });
  const rerun = () =>
    act(async () => {
      openInCompose(await artlab.call('gallery.rerunParams', { id: d.id }));
      navigateTo('compose');
    });
  // The workflow alone: Compose opens it with its own values, not this image's.
  const openWorkflow = () =>
    act(async () => {
      openInCompose({ ...(await artlab.call('gallery.rerunParams', { id: d.id })), values: {} });
      navigateTo('compose');
    });
  // img2img from a result: Compose puts this image in the workflow's image input.
  const useAsInput = () => {
    giveComposeInput({ galleryImageId: d.id, fileName: d.filename, thumbUrl: d.thumbUrl ?? d.url });
    navigateTo('compose');
  };
  const exportOne = () =>
    act(async () => {
      if (transport === 'browser') {
        downloadOriginals([d]);
        return;
      }
      const result = await artlab.call('gallery.export', { ids: [d.id] });
      if (result.folder !== null) setNote(t('gallery.lightbox.exported', { folder: result.folder }));
    });
  const batchLabel = useBatchLabel(d.batchId);
  const cost = useBatchCost(d.batchId);
  const openBatch = (batchId: string) => {
    queueBatchHandoff.give({ batchId });
    navigateTo('queue');
  };
  // Ids are for copying into a bug report or the CLI, not for reading: the visible text names the thing.
  const copyId = (what: string, id: string) => (
    <button
      type="button"
      className="link-button lightbox__copy-id"
      title={id}
      aria-label={t('ui.gallery.copyIdOf', { what })}
      onClick={() => copy(`id:${what}`, id)}
    >
      {copied === `id:${what}` ? t('gallery.lightbox.copied') : t('ui.gallery.copyId')}
    </button>
  );
  const prompt = d.positive?.trim() ? d.positive.trim() : null;
  const size = d.width !== null && d.height !== null ? `${d.width} × ${d.height}` : null;
  const job = d.job;
  const rows: [string, ReactNode][] = [
    [t('gallery.meta.seed'), d.seed],
    [t('gallery.meta.steps'), d.steps === null ? null : String(d.steps)],
    [t('gallery.meta.cfg'), d.cfg === null ? null : String(d.cfg)],
    [t('gallery.meta.sampler'), [d.sampler, d.scheduler].filter(Boolean).join(' / ') || null],
    [t('gallery.meta.model'), d.model],
    [t('gallery.meta.size'), [size, formatSize(d.size)].filter(Boolean).join(' · ') || null],
    [t('gallery.meta.service'), props.serviceName ?? d.serviceId],
    [
      t('servicesCost.image.label'),
      cost?.perImage == null ? null : (
        <span data-testid="lightbox-cost">
          {t('servicesCost.image.value', {
            perImage: formatMoney(cost.perImage, cost.currency),
            total: formatMoney(cost.total, cost.currency),
            images: cost.images,
          })}
        </span>
      ),
    ],
    [
      t('gallery.meta.job'),
      d.jobId === null ? null : (
        <span className="lightbox__ref" data-testid="lightbox-job">
          <span className="lightbox__ref-text" title={prompt ?? undefined}>
            {prompt ?? t('queue.job.noPrompt')}
          </span>
          {copyId(t('gallery.meta.job'), d.jobId)}
        </span>
      ),
    ],
    [
      t('gallery.meta.batch'),
      d.batchId === null ? null : (
        <span className="lightbox__ref" data-testid="lightbox-batch">
          <button
            type="button"
            className="link-button lightbox__ref-text"
            title={t('ui.gallery.openBatch')}
            onClick={() => d.batchId !== null && openBatch(d.batchId)}
          >
            {batchLabel ?? t('ui.gallery.openBatch')}
          </button>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              if (d.batchId === null) return;
              queueBatchHandoff.give({ batchId: d.batchId, grid: true });
              navigateTo('queue');
            }}
          >
            {t('queue.grid.open')}
          </button>
          {copyId(t('gallery.meta.batch'), d.batchId)}
        </span>
      ),
    ],
    [t('gallery.meta.created'), formatDateTime(d.createdAt)],
    [t('gallery.meta.queued'), seconds(job?.createdAt, job?.startedAt)],
    [t('gallery.meta.render'), seconds(job?.startedAt, job?.finishedAt)],
  ];

  return (
    <div className="lightbox__details">
      {preview ? (
        <p className="notice" data-testid="lightbox-preview">
          {t('gallery.lightbox.previewNote')}
        </p>
      ) : null}
      <div className="lightbox__actions">
        {preview ? (
          <button type="button" className="button button--primary" onClick={keep}>
            {t('gallery.lightbox.keep')}
          </button>
        ) : null}
        <button type="button" className="button" aria-pressed={d.favorite} onClick={props.onFavorite}>
          {d.favorite ? `★ ${t('gallery.lightbox.favorited')}` : `☆ ${t('gallery.lightbox.favorite')}`}
        </button>
        <button
          type="button"
          className={preview ? 'button' : 'button button--primary'}
          disabled={!d.hasWorkflow}
          onClick={rerun}
        >
          {t('gallery.lightbox.rerun')}
        </button>
        <button
          type="button"
          className="button"
          disabled={d.state !== 'fetched' || d.media !== 'image'}
          onClick={useAsInput}
        >
          {t('gallery.lightbox.useAsInput')}
        </button>
        {d.workflowId !== null ? (
          <button type="button" className="button" onClick={openWorkflow}>
            {t('gallery.lightbox.openWorkflow')}
          </button>
        ) : null}
        <button type="button" className="button" disabled={d.state !== 'fetched'} onClick={exportOne}>
          {t(transport === 'browser' ? 'gallery.lightbox.download' : 'gallery.lightbox.export')}
        </button>
        {transport === 'electron' ? (
          <button
            type="button"
            className="button"
            disabled={d.state !== 'fetched'}
            onClick={() => act(async () => void (await artlab.call('gallery.reveal', { id: d.id })))}
          >
            {t('gallery.lightbox.reveal')}
          </button>
        ) : null}
        {d.state === 'fetched' ? (
          <button type="button" className="button" onClick={() => setConfirm(true)}>
            {t('gallery.lightbox.delete')}
          </button>
        ) : (
          <button
            type="button"
            className="button"
            onClick={() => act(async () => void (await artlab.call('gallery.retry', { ids: [d.id] })))}
          >
            {t('gallery.tile.retry')}
          </button>
        )}
      </div>
      {note ? <p className="notice">{note}</p> : null}
      {d.positive ? (
        <section className="lightbox__prompt">
          <div className="lightbox__label">
            <h3>{t('gallery.meta.prompt')}</h3>
            <button type="button" className="link-button" onClick={() => copy('prompt', d.positive ?? '')}>
              {copied === 'prompt' ? t('gallery.lightbox.copied') : t('gallery.lightbox.copy')}
            </button>
          </div>
          <p>{d.positive}</p>
        </section>
      ) : null}
      {d.negative ? (
        <section className="lightbox__prompt">
          <div className="lightbox__label">
            <h3>{t('gallery.meta.negative')}</h3>
          </div>
          <p>{d.negative}</p>
        </section>
      ) : null}
      <dl className="lightbox__facts">
        {rows
          .filter(([, value]) => value !== null && value !== '')
          .map(([label, value]) => (
            <div key={label} className="lightbox__fact">
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
      {d.seed !== null ? (
        <button type="button" className="link-button" onClick={() => copy('seed', d.seed ?? '')}>
          {copied === 'seed' ? t('gallery.lightbox.copied') : t('gallery.lightbox.copySeed')}
        </button>
      ) : null}
      <Dialog open={confirm} title={t('gallery.bulk.deleteTitle')} onClose={() => setConfirm(false)}>
        <div className="dialog__body">
          <p>{t('gallery.bulk.deleteBody', { count: 1 })}</p>
          <div className="dialog__actions gallery-dialog-actions">
            <button type="button" className="button" onClick={() => setConfirm(false)} data-autofocus>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="button button--primary"
              onClick={() => {
                setConfirm(false);
                act(async () => void (await artlab.call('gallery.deleteLocal', { ids: [d.id] })));
              }}
            >
              {t('gallery.bulk.deleteConfirm')}
            </button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
