// One batch header (label, service, counts, progress, batch actions) and one job row (state, prompt, seed, progress or
// queue position, thumbnail, error sentence, job actions), as the virtualised list draws them.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BatchCostDto } from '../../../preload/schemas/lifecycle';
import { artlab } from '../../api/artlab';
import { formatMoney } from '../../i18n/format';
import { ErrorCodeSchema } from '../../../preload/schemas/common';
import {
  JobErrorKindSchema,
  type BatchSummaryDto,
  type JobErrorDto,
  type JobStateDto,
} from '../../../preload/schemas/jobs';
import { codedSentence } from '../../i18n/error-sentence';
import { AddMember, PoolMembers } from './pool-members';
import { jobSummary, queuePosition, type JobThumb, type JobView } from './queue-store';

const SHOWN_COUNTS: JobStateDto[] = ['running', 'queued', 'pending', 'succeeded', 'failed', 'cancelled', 'lost'];

/**
 * A failed job: a headline in the artist's language from the error's kind, then the sentence. Main's own sentences
 * come with a code and are worded here (a service's words ride inside as `detail`); any other is the sentence main
 * or the service wrote, muted (it may be the server's own English; a validation error names the node and input).
 */
function JobError(props: { error: JobErrorDto }) {
  const { t } = useTranslation();
  const { error } = props;
  const kind = JobErrorKindSchema.safeParse(error.kind);
  const coded = ErrorCodeSchema.safeParse(error.code).success;
  const givenUp = error.params?.givenUpSends;
  const sentence = coded
    ? [
        codedSentence(error.code, error.params, error.message),
        typeof givenUp === 'number'
          ? t('queue.givenUp', { sends: givenUp, seconds: error.params?.givenUpSeconds ?? 0 })
          : '',
      ]
        .filter(Boolean)
        .join(' ')
    : error.message;
  if (!kind.success) return <p className="queue-job__error">{sentence}</p>;
  return (
    <p className="queue-job__error">
      <strong>{t(`queue.errorKinds.${kind.data}`)}</strong>{' '}
      <span className={coded ? undefined : 'queue-job__error-detail'}>{sentence}</span>
    </p>
  );
}

function ProgressBar(props: { value: number; max: number; label: string }) {
  const percent = props.max > 0 ? Math.min(100, Math.round((props.value / props.max) * 100)) : 0;
  return (
    <div
      className="queue-progress"
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className="queue-progress__fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

export function BatchHeader(props: {
  batch: BatchSummaryDto;
  serviceName: string;
  /** Saved services by id: a pool batch names each of its members. */
  serviceNames: ReadonlyMap<string, { name: string }>;
  expanded: boolean;
  onToggle: () => void;
  onPause: () => void;
  onResume: () => void;
  onCancel: () => void;
  onRetryFailed: () => void;
  onGrid: () => void;
}) {
  const { t } = useTranslation();
  const { batch } = props;
  const done = batch.counts.succeeded + batch.counts.failed + batch.counts.cancelled + batch.counts.lost;
  const failed = batch.counts.failed + batch.counts.lost + batch.counts.cancelled;
  return (
    <div className="queue-batch" data-testid="queue-batch" data-batch-id={batch.id}>
      <div className="queue-batch__top">
        <button type="button" className="queue-batch__toggle" aria-expanded={props.expanded} onClick={props.onToggle}>
          <span className="queue-batch__chevron" aria-hidden="true">
            {props.expanded ? '▾' : '▸'}
          </span>
          <span className="queue-batch__label">{batch.label}</span>
        </button>
        <span className="queue-batch__service">{props.serviceName}</span>
        <span className="queue-batch__total">
          {t('queue.batch.done', { done, total: batch.total })}
          {batch.paused && !batch.held ? ` · ${t('queue.batch.paused')}` : ''}
        </span>
        <span className="queue-batch__actions">
          {batch.total > 1 ? (
            <button type="button" className="button button--small-q" onClick={props.onGrid}>
              {t('queue.grid.open')}
            </button>
          ) : null}
          {!batch.finished ? (
            batch.paused ? (
              <button type="button" className="button button--small-q" onClick={props.onResume}>
                {t('queue.batch.resume')}
              </button>
            ) : (
              <button type="button" className="button button--small-q" onClick={props.onPause}>
                {t('queue.batch.pause')}
              </button>
            )
          ) : null}
          {!batch.finished ? (
            <button type="button" className="button button--small-q" onClick={props.onCancel}>
              {t('queue.batch.cancel')}
            </button>
          ) : null}
          {failed > 0 ? (
            <button type="button" className="button button--small-q" onClick={props.onRetryFailed}>
              {t('queue.batch.retry')}
            </button>
          ) : null}
        </span>
      </div>
      {batch.held ? (
        <p
          className={`queue-batch__held${batch.held.state === 'failed' ? ' queue-batch__held--failed' : ''}`}
          data-testid="queue-batch-held"
          role="status"
        >
          {batch.held.state === 'starting'
            ? t('queue.held.starting', { name: props.serviceName, status: batch.held.status ?? '…' })
            : t('queue.held.failed', { name: props.serviceName, reason: batch.held.reason ?? '' })}
        </p>
      ) : null}
      <ProgressBar value={done} max={batch.total} label={t('queue.batch.progress', { label: batch.label })} />
      {props.expanded && batch.members ? (
        <PoolMembers
          batchId={batch.id}
          finished={batch.finished}
          stage={String(Math.floor(done / 10))}
          names={props.serviceNames}
        />
      ) : props.expanded && !batch.finished ? (
        // A batch sent to one service: another can join it (it then becomes a pool, shown above once it is one).
        <div className="pool-members">
          <AddMember batchId={batch.id} taking={[batch.serviceId]} names={props.serviceNames} />
        </div>
      ) : null}
      <div className="queue-batch__counts">
        {SHOWN_COUNTS.filter((state) => batch.counts[state] > 0).map((state) => (
          <span key={state} className={`queue-count queue-count--${state}`}>
            {t(`queue.state.${state}`)} {batch.counts[state]}
          </span>
        ))}
        {props.expanded ? (
          <BatchCost batchId={batch.id} stage={batch.finished ? 'end' : String(Math.floor(done / 25))} />
        ) : null}
      </div>
    </div>
  );
}

export function JobRow(props: {
  job: JobView;
  index: number;
  thumb: JobThumb | undefined;
  /** What a PreviewImage node of the job showed while it ran (a picture, not a gallery image). */
  live: string | undefined;
  canMoveUp: boolean;
  canMoveDown: boolean;
  onCancel: () => void;
  onRetry: () => void;
  onMove: (direction: -1 | 1) => void;
  onOpenImage: (imageId: number, preview: boolean) => void;
  /** How many PreviewImage outputs of the job are not kept yet; Keep keeps them all (they enter the Gallery). */
  previews: number;
  onKeep: () => void;
  /** A job of a pool batch: the services that take work (to pin a job not sent yet to one) and their names. */
  pool?: { choices: { id: string; name: string }[]; names: ReadonlyMap<string, { name: string }> };
  onPin?: (serviceId: string | null) => void;
}) {
  const { t } = useTranslation();
  const { job } = props;
  const { prompt, seed, inputs } = jobSummary(job.params);
  // A job without a prompt of its own (an upscale, an img2img) is named by the images it was given.
  const title = prompt ?? (inputs.length > 0 ? inputs.join(', ') : null);
  const position = queuePosition(job);
  const active =
    job.state === 'pending' || job.state === 'submitting' || job.state === 'queued' || job.state === 'running';
  const retryable = job.state === 'failed' || job.state === 'cancelled' || job.state === 'lost';
  // A pool job waits in its pool (`pool:<batch>`) until a member claims it, or was sent to (or pinned on) a member.
  const member = props.pool && !job.serviceId.startsWith('pool:') ? job.serviceId : null;
  // Pending: not sent yet, or waiting to be sent again (main refuses to move one that the service may have).
  const pinnable = props.pool !== undefined && job.state === 'pending';
  return (
    <div className={`queue-job queue-job--${job.state}`} data-testid="queue-job" data-state={job.state}>
      <div
        className={`queue-job__thumb${props.thumb?.preview || (!props.thumb && props.live && active) ? ' queue-job__thumb--preview' : ''}`}
      >
        {props.thumb ? (
          <button
            type="button"
            className="queue-job__thumb-open"
            aria-label={t('ui.queue.openImage')}
            title={t('ui.queue.openImage')}
            onClick={() => props.thumb && props.onOpenImage(props.thumb.imageId, props.thumb.preview)}
          >
            {props.thumb.video ? (
              <video
                src={props.thumb.url}
                muted
                autoPlay
                loop
                playsInline
                preload="metadata"
                aria-label={t('queue.job.thumb', { n: props.index + 1 })}
                data-testid="queue-job-video"
              />
            ) : (
              <img src={props.thumb.url} alt={t('queue.job.thumb', { n: props.index + 1 })} />
            )}
          </button>
        ) : props.live && active ? (
          <img src={props.live} alt={t('queue.job.live')} title={t('queue.job.live')} data-testid="queue-job-live" />
        ) : null}
      </div>
      <div className="queue-job__body">
        <div className="queue-job__line">
          <span className={`queue-badge queue-badge--${job.state}`}>{t(`queue.state.${job.state}`)}</span>
          <span className="queue-job__prompt" title={title ?? undefined}>
            {title ?? t('queue.job.noPrompt')}
          </span>
        </div>
        <div className="queue-job__meta">
          <span>#{props.index + 1}</span>
          {seed !== null ? <span>{t('queue.job.seed', { seed })}</span> : null}
          {job.attempts > 1 ? <span>{t('queue.job.attempts', { count: job.attempts })}</span> : null}
          {member !== null && !pinnable ? (
            <span data-testid="queue-job-member">
              {t('queue.job.on', { name: props.pool?.names.get(member)?.name ?? member })}
            </span>
          ) : null}
          {position !== null ? (
            <span data-testid="queue-position">
              {position === 0 ? t('ui.queue.next') : t('queue.job.position', { position })}
            </span>
          ) : null}
          {job.progress && job.state === 'running' ? (
            <span>
              {job.progress.node
                ? t('queue.job.nodeProgress', {
                    node: job.progress.node,
                    value: job.progress.value,
                    max: job.progress.max,
                  })
                : t('queue.job.progress', { value: job.progress.value, max: job.progress.max })}
            </span>
          ) : null}
          {props.previews > 0 ? (
            <span className="queue-job__previews" data-testid="queue-job-previews">
              <span title={t('queue.job.previewsHint')}>{t('queue.job.previews', { count: props.previews })}</span>
              <button type="button" className="link-button" onClick={props.onKeep}>
                {t('queue.job.keep')}
              </button>
            </span>
          ) : null}
          {job.duplicatePossible ? (
            <span className="queue-job__duplicate" title={t('queue.job.duplicateHint')}>
              {t('queue.job.duplicate')}
            </span>
          ) : null}
        </div>
        {job.state === 'running' && job.progress ? (
          <ProgressBar value={job.progress.value} max={job.progress.max} label={t('queue.job.progressLabel')} />
        ) : null}
        {job.error && job.state !== 'succeeded' ? <JobError error={job.error} /> : null}
        {job.texts?.map((text, i) => (
          <div key={i} className="queue-job__text" data-testid="queue-job-text">
            <p title={text}>{text}</p>
            <button
              type="button"
              className="link-button"
              onClick={() => void navigator.clipboard?.writeText(text).catch(() => undefined)}
            >
              {t('queue.job.copyText')}
            </button>
          </div>
        ))}
      </div>
      <div className="queue-job__actions">
        {pinnable && props.pool ? (
          <select
            className="select queue-job__pin"
            aria-label={t('queue.job.runOn')}
            title={t('queue.job.runOn')}
            value={member ?? ''}
            onChange={(event) => props.onPin?.(event.target.value === '' ? null : event.target.value)}
          >
            <option value="">{t('queue.job.anyService')}</option>
            {props.pool.choices.map((choice) => (
              <option key={choice.id} value={choice.id}>
                {choice.name}
              </option>
            ))}
          </select>
        ) : null}
        {job.state === 'pending' ? (
          <>
            <button
              type="button"
              className="icon-button"
              aria-label={t('queue.job.moveUp')}
              disabled={!props.canMoveUp}
              onClick={() => props.onMove(-1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label={t('queue.job.moveDown')}
              disabled={!props.canMoveDown}
              onClick={() => props.onMove(1)}
            >
              ↓
            </button>
          </>
        ) : null}
        {active ? (
          <button type="button" className="button button--small-q" onClick={props.onCancel}>
            {t('queue.job.cancel')}
          </button>
        ) : null}
        {retryable ? (
          <button type="button" className="button button--small-q" onClick={props.onRetry}>
            {t('queue.job.retry')}
          </button>
        ) : null}
      </div>
    </div>
  );
}

/**
 * An expanded batch's estimated cost and cost per image, read when it is expanded and again as jobs finish (at most every 25 jobs,
 * and at its end; never one call per row of the list). Nothing is shown without a price, or before a job finished.
 */
function BatchCost(props: { batchId: string; stage: string }) {
  const { t } = useTranslation();
  const [cost, setCost] = useState<BatchCostDto | null>(null);
  const { batchId, stage } = props;
  useEffect(() => {
    let cancelled = false;
    artlab
      .call('batches.cost', { batchId })
      .then((next) => {
        if (!cancelled) setCost(next);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [batchId, stage]);
  if (!cost) return null;
  const total = formatMoney(cost.total, cost.currency);
  return (
    <span className="queue-batch__cost" data-testid="queue-batch-cost">
      {cost.perImage === null
        ? t('servicesCost.batch.noImage', { total })
        : t('servicesCost.batch.line', { total, perImage: formatMoney(cost.perImage, cost.currency) })}
    </span>
  );
}
