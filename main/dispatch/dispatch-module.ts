// The dispatch domain of the Studio: the scheduler (one lane per service, editions borrowed from the Studio's pool)
// and the job feed that coalesces job changes for the renderer. A changed service gets its lane restarted, a deleted
// one has its lane closed; its jobs stay in the ledger.
import type { BatchHoldDto } from '../../preload/schemas/jobs';
import type { Clock } from '../adapters';
import type { EventHub } from '../contract/event-hub';
import type { EditionLender } from '../editions/edition-pool';
import type { BatchSummary, Ledger } from '../ledger/ledger';
import type { Logger } from '../log/logger';
import type { ServiceRecord } from '../services/service-record';
import { JobFeed } from './job-feed';
import type { JobPreviewsInfo, ResultStoredInfo } from '../editions/edition';
import { Scheduler, type SchedulerOptions } from './scheduler';

export interface DispatchModuleOptions {
  ledger: Ledger;
  editions: EditionLender;
  services: { list(): ServiceRecord[] };
  events: EventHub;
  clock: Clock;
  logger: Logger;
  /** Every result stored (external ones with jobId null), for the gallery. */
  onResultStored: (info: ResultStoredInfo) => void;
  /** PreviewImage files of a running job (Exclusive edition), for the gallery to show on the job meanwhile. */
  onPreviews?: (info: JobPreviewsInfo) => void;
  /** A service's lane is being rebuilt or closed (its catalogue and edition go stale). */
  onServiceReset?: (serviceId: string) => void;
  /** Presence port: a batch's last job settled (the shell shows a notification). */
  onBatchFinished?: (summary: BatchSummary) => void;
  /** Presence port: 0..1 over the batches working now, null when none (dock/taskbar progress). */
  onProgress?: (fraction: number | null) => void;
  onRunningJobs?: (count: number) => void;
  /** A batch held while its service starts, shown with its summary. */
  heldOf?: (batchId: string) => BatchHoldDto | undefined;
  scheduler?: Pick<SchedulerOptions, 'retry' | 'jobTimeoutMs' | 'random' | 'newIdentity'>;
  /** How often coalesced changes go to the renderer (ms). */
  eventIntervalMs?: number;
}

export interface DispatchModule {
  readonly scheduler: Scheduler;
  readonly feed: JobFeed;
  /** Opens every saved service (recovering its unfinished jobs) and starts sending. */
  start(): Promise<void>;
  /** The services changed: restart changed lanes, close deleted ones, open new ones. */
  servicesChanged(): Promise<void>;
  close(): Promise<void>;
}

export function createDispatchModule(options: DispatchModuleOptions): DispatchModule {
  const { ledger, services, logger } = options;
  const known = new Map<string, number>();

  const feed = new JobFeed({
    ledger,
    events: options.events,
    logger: logger.child('feed'),
    ...(options.eventIntervalMs !== undefined ? { intervalMs: options.eventIntervalMs } : {}),
    ...(options.onBatchFinished ? { onBatchFinished: options.onBatchFinished } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onRunningJobs ? { onRunningJobs: options.onRunningJobs } : {}),
    ...(options.heldOf ? { heldOf: options.heldOf } : {}),
  });

  const scheduler = new Scheduler({
    ledger,
    editions: options.editions,
    clock: options.clock,
    logger: logger.child('scheduler'),
    ...options.scheduler,
    onJobChange: (change) => feed.push(change),
    onConnection: (report) => options.events.emit('services.connection', report),
    onResultStored: options.onResultStored,
    ...(options.onPreviews ? { onPreviews: options.onPreviews } : {}),
  });

  async function servicesChanged(): Promise<void> {
    const current = new Map(services.list().map((record) => [record.id, record.updatedAt]));
    for (const [id, updatedAt] of known) {
      if (!current.has(id)) {
        known.delete(id);
        options.onServiceReset?.(id);
        await scheduler.closeService(id);
      } else if (current.get(id) !== updatedAt) {
        known.set(id, current.get(id) ?? updatedAt);
        options.onServiceReset?.(id);
        await scheduler.restartService(id);
      }
    }
    for (const [id, updatedAt] of current) {
      if (known.has(id)) continue;
      known.set(id, updatedAt);
      await scheduler.wake(id);
    }
  }

  return {
    scheduler,
    feed,
    start: servicesChanged,
    servicesChanged,
    async close() {
      await scheduler.close();
      feed.close();
    },
  };
}
