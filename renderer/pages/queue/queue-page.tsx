// The queue: every batch newest first with its jobs below, live. The list is virtualised and pages through the
// ledger as the artist scrolls, so 10,000 jobs scroll as smoothly as ten.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BatchSummaryDto, JobStateDto } from '../../../preload/schemas/jobs';
import { artlab } from '../../api/artlab';
import { EmptyState } from '../../components/empty-state';
import { ArrowRightIcon, QueueIcon } from '../../components/icons';
import { PageHeader } from '../../components/page-header';
import { galleryImageHandoff, queueBatchHandoff } from '../../navigation/page-handoff';
import { navigateTo } from '../../navigation/use-current-page';
import { errorMessage } from '../../settings/settings-context';
import { ConnectionBanner } from './connection-banner';
import { QueueFilterBar, type StateFilter } from './queue-filter-bar';
import { batchServiceIds, batchServiceName } from './batch-services';
import { BatchGridDialog } from './batch-grid-dialog';
import { BatchHeader, JobRow } from './queue-rows';
import { ACTIVE_STATES, FAILED_STATES, type JobView, type QueueFilters } from './queue-store';
import { useQueue } from './use-queue';
import './queue.css';

type Row =
  | { kind: 'batch'; key: string; batch: BatchSummaryDto }
  | { kind: 'job'; key: string; job: JobView; index: number; prev: JobView | undefined; next: JobView | undefined }
  | { kind: 'more'; key: string; batchId: string }
  | { kind: 'more-batches'; key: string };

const STATES: Record<StateFilter, JobStateDto[] | null> = {
  all: null,
  active: ACTIVE_STATES,
  succeeded: ['succeeded'],
  failed: FAILED_STATES,
  cancelled: ['cancelled'],
};

const SIZES: Record<Row['kind'], number> = { batch: 104, job: 76, more: 44, 'more-batches': 44 };

export function QueuePage() {
  const { t } = useTranslation();
  const [filters, setFilterState] = useState<QueueFilters>({ states: null, serviceId: null, batchId: null });
  const [stateFilter, setStateFilter] = useState<StateFilter>('all');
  const queue = useQueue(filters);
  const changeFilters = (patch: Partial<QueueFilters>) => {
    const next = { ...filters, ...patch };
    setFilterState(next);
    queue.setFilters(next);
  };
  const { store, version, loadJobs, loadBatches, reloadBatch, setError } = queue;
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [gridBatch, setGridBatch] = useState<{ id: string; label: string } | null>(null);

  // Another page asked to show one batch (the gallery viewer's batch link): only that batch, every state, unfolded.
  const setQueueFilters = queue.setFilters;
  useEffect(() => {
    const show = () => {
      const handoff = queueBatchHandoff.take();
      if (!handoff) return;
      const next: QueueFilters = { states: null, serviceId: null, batchId: handoff.batchId };
      setStateFilter('all');
      setFilterState(next);
      setQueueFilters(next);
      setCollapsed((current) => new Set([...current].filter((id) => id !== handoff.batchId)));
      if (handoff.grid) setGridBatch({ id: handoff.batchId, label: '' });
    };
    show();
    return queueBatchHandoff.onGive(show);
  }, [setQueueFilters]);
  const scroller = useRef<HTMLDivElement>(null);

  const rows = useMemo<Row[]>(() => {
    void version; // the store is mutated in place; version says when to look again
    const list: Row[] = [];
    for (const batch of store.batches) {
      if (filters.serviceId && !batchServiceIds(batch).includes(filters.serviceId)) continue;
      if (filters.batchId && batch.id !== filters.batchId) continue;
      list.push({ kind: 'batch', key: `b:${batch.id}`, batch });
      if (collapsed.has(batch.id)) continue;
      const entry = store.jobs.get(batch.id);
      const jobs = entry?.jobs ?? [];
      jobs.forEach((job, index) =>
        list.push({ kind: 'job', key: `j:${job.id}`, job, index, prev: jobs[index - 1], next: jobs[index + 1] }),
      );
      if (!entry?.complete) list.push({ kind: 'more', key: `m:${batch.id}`, batchId: batch.id });
    }
    if (!store.batchesComplete && store.batches.length > 0) list.push({ kind: 'more-batches', key: 'more-batches' });
    return list;
  }, [store, version, filters, collapsed]);

  // The virtualizer re-renders this component on scroll; none of its functions are passed to memoized children.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => SIZES[rows[index]?.kind ?? 'job'],
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();

  // A "more" row in view asks for the next page of its batch (or of batches).
  useEffect(() => {
    for (const item of items) {
      const row = rows[item.index];
      if (row?.kind === 'more') void loadJobs(row.batchId);
      if (row?.kind === 'more-batches') void loadBatches();
    }
  }, [items, rows, loadJobs, loadBatches]);

  /** A pool batch's job row: the members that take work now, to pin a job not sent yet to one. */
  const poolOf = (batchId: string) => {
    const members = store.batches.find((batch) => batch.id === batchId)?.members;
    if (!members) return {};
    const choices = members
      .filter((member) => member.state === 'active')
      .map((member) => ({
        id: member.serviceId,
        name: queue.serviceNames.get(member.serviceId)?.name ?? member.serviceId,
      }));
    return { pool: { choices, names: queue.serviceNames } };
  };

  const act = useCallback(
    async (action: () => Promise<unknown>) => {
      try {
        await action();
        setError(null);
      } catch (cause) {
        setError(errorMessage(cause));
      }
    },
    [setError],
  );

  const retryFailed = (batchId: string) =>
    act(async () => {
      let cursor: string | undefined;
      do {
        const page = await artlab.call('jobs.page', {
          filters: { batchId, states: ['failed', 'lost', 'cancelled'] },
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
        for (const job of page.jobs) store.replaceJob(await artlab.call('jobs.retry', { jobId: job.id }));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      queue.bump();
    });

  const move = (row: Extract<Row, { kind: 'job' }>, direction: -1 | 1) =>
    act(async () => {
      // Up: before the previous job. Down: before the job after the next one (or to the end of the queue).
      const before = direction < 0 ? row.prev?.id : (store.jobs.get(row.job.batchId)?.jobs[row.index + 2]?.id ?? null);
      if (before === undefined) return;
      await artlab.call('jobs.reorder', { jobId: row.job.id, beforeJobId: before });
      await reloadBatch(row.job.batchId);
    });

  const toggle = (batchId: string) =>
    setCollapsed((current) => {
      const next = new Set(current);
      if (!next.delete(batchId)) next.add(batchId);
      return next;
    });

  const empty = queue.loaded && store.batches.length === 0;

  return (
    <div className="queue-page">
      <PageHeader title={t('queue.title')} subtitle={t('queue.subtitle')} />
      <ConnectionBanner connections={queue.connections} services={queue.serviceNames} />
      {gridBatch ? (
        <BatchGridDialog
          batchId={gridBatch.id}
          label={gridBatch.label || (store.batches.find((batch) => batch.id === gridBatch.id)?.label ?? '')}
          onClose={() => setGridBatch(null)}
          onOpenImage={(imageId, previews) => {
            setGridBatch(null);
            galleryImageHandoff.give({ imageId, batchId: gridBatch.id, previews });
            navigateTo('gallery');
          }}
        />
      ) : null}
      {queue.error ? (
        <p className="alert" role="alert">
          {queue.error}
        </p>
      ) : null}
      {empty ? (
        <EmptyState
          icon={<QueueIcon size={28} />}
          title={t('queue.empty.title')}
          action={
            <button type="button" className="button" onClick={() => navigateTo('compose')}>
              {t('queue.empty.action')}
              <ArrowRightIcon size={18} />
            </button>
          }
        >
          <p>{t('queue.empty.body')}</p>
        </EmptyState>
      ) : (
        <>
          <QueueFilterBar
            state={stateFilter}
            onState={(state) => {
              setStateFilter(state);
              changeFilters({ states: STATES[state] });
            }}
            serviceId={filters.serviceId}
            onService={(serviceId) => changeFilters({ serviceId })}
            services={queue.services}
            batchId={filters.batchId}
            onBatch={(batchId) => changeFilters({ batchId })}
            batches={store.batches}
          />
          <div ref={scroller} className="queue-scroller" data-testid="queue-list">
            <div className="queue-scroller__inner" style={{ height: virtualizer.getTotalSize() }}>
              {items.map((item) => {
                const row = rows[item.index];
                if (!row) return null;
                return (
                  <div
                    key={item.key}
                    data-index={item.index}
                    ref={virtualizer.measureElement}
                    className="queue-scroller__row"
                    style={{ transform: `translateY(${item.start}px)` }}
                  >
                    {row.kind === 'batch' ? (
                      <BatchHeader
                        batch={row.batch}
                        serviceName={batchServiceName(row.batch, queue.serviceNames)}
                        serviceNames={queue.serviceNames}
                        expanded={!collapsed.has(row.batch.id)}
                        onToggle={() => toggle(row.batch.id)}
                        onPause={() => void act(() => artlab.call('batches.pause', { batchId: row.batch.id }))}
                        onResume={() => void act(() => artlab.call('batches.resume', { batchId: row.batch.id }))}
                        onCancel={() => void act(() => artlab.call('batches.cancel', { batchId: row.batch.id }))}
                        onRetryFailed={() => void retryFailed(row.batch.id)}
                        onGrid={() => setGridBatch({ id: row.batch.id, label: row.batch.label })}
                      />
                    ) : row.kind === 'job' ? (
                      <JobRow
                        job={row.job}
                        index={row.index}
                        thumb={store.thumbs.get(row.job.id)}
                        live={store.live.get(row.job.id)}
                        canMoveUp={row.prev?.state === 'pending'}
                        canMoveDown={row.next?.state === 'pending'}
                        onCancel={() =>
                          void act(async () => {
                            store.replaceJob(await artlab.call('jobs.cancel', { jobId: row.job.id }));
                            queue.bump();
                          })
                        }
                        onRetry={() =>
                          void act(async () => {
                            store.replaceJob(await artlab.call('jobs.retry', { jobId: row.job.id }));
                            queue.bump();
                          })
                        }
                        onMove={(direction) => void move(row, direction)}
                        {...poolOf(row.job.batchId)}
                        onPin={(serviceId) =>
                          void act(async () => {
                            store.replaceJob(await artlab.call('jobs.pin', { jobId: row.job.id, serviceId }));
                            queue.bump();
                          })
                        }
                        previews={store.previews.get(row.job.id)?.size ?? 0}
                        onKeep={() =>
                          void act(async () => {
                            const ids = [...(store.previews.get(row.job.id) ?? [])];
                            if (ids.length > 0) await artlab.call('gallery.keep', { ids });
                          })
                        }
                        onOpenImage={(imageId, previews) => {
                          galleryImageHandoff.give({ imageId, batchId: row.job.batchId, previews });
                          navigateTo('gallery');
                        }}
                      />
                    ) : (
                      <p className="queue-more muted">{t('common.loading')}</p>
                    )}
                  </div>
                );
              })}
            </div>
          </div>
        </>
      )}
    </div>
  );
}
