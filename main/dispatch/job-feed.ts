// Job changes on their way to the renderer and the shell: coalesced per job (the latest state wins, fields merged)
// and flushed at most every `intervalMs` — a change after a quiet spell goes out on the next turn, so a single result
// reaches the renderer at once while a burst is still coalesced — with the summaries of the batches they touched. A batch whose last job
// settled is announced once (notification), and the overall progress of the batches seen working drives the
// dock/taskbar bar.
import type { BatchHoldDto, BatchSummaryDto, JobChangeDto } from '../../preload/schemas/jobs';
import type { EventHub } from '../contract/event-hub';
import { isBatchFinished, toBatchSummaryDto } from '../ledger/ledger-dto';
import type { BatchSummary, Ledger } from '../ledger/ledger';
import { silentLogger, type Logger } from '../log/logger';
import type { JobChange } from './scheduler-lane';

/**
 * One display frame: the renderer cannot show changes faster, and the benchmark showed the earlier 100 ms put sink
 * frame → event at p50 76 ms during a busy batch (the target is 20 ms). A flush costs one summary query per touched
 * batch, on the (batch_id, state) index.
 */
const DEFAULT_INTERVAL_MS = 16;

export interface JobFeedOptions {
  ledger: Ledger;
  events: EventHub;
  intervalMs?: number;
  onBatchFinished?: (summary: BatchSummary) => void;
  /** 0..1 over the batches working now, or null when none is. */
  onProgress?: (fraction: number | null) => void;
  onRunningJobs?: (count: number) => void;
  /** A batch held while its service starts (lifecycle/start-holds.ts), shown with its summary. */
  heldOf?: (batchId: string) => BatchHoldDto | undefined;
  logger?: Logger;
}

export class JobFeed {
  private readonly pending = new Map<string, JobChangeDto>();
  private readonly touched = new Set<string>();
  /** Batches seen working in this session, for the overall progress; dropped once finished. */
  private readonly active = new Map<string, BatchSummary>();
  /** Batches whose jobs changed in this session, and those already announced as finished. */
  private readonly working = new Set<string>();
  private readonly announced = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private closed = false;

  private readonly logger: Logger;

  constructor(private readonly options: JobFeedOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  push(change: JobChange): void {
    if (this.closed) return;
    const previous = this.pending.get(change.id);
    const merged: JobChangeDto = { ...previous, ...withoutUndefined(change) };
    this.pending.set(change.id, merged);
    this.touched.add(change.batchId);
    this.working.add(change.batchId);
    this.schedule();
  }

  /** A batch changed without a job change (queued, paused, resumed). */
  touchBatch(batchId: string): void {
    if (this.closed) return;
    this.touched.add(batchId);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const interval = this.options.intervalMs ?? DEFAULT_INTERVAL_MS;
    const sinceLast = performance.now() - this.lastFlushAt;
    this.timer = setTimeout(() => this.flush(), sinceLast >= interval ? 0 : interval - sinceLast);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlushAt = performance.now();
    try {
      if (this.pending.size > 0) {
        this.options.events.emit('jobs.changed', { changes: [...this.pending.values()] });
        this.pending.clear();
      }
      if (this.touched.size === 0) return;
      const summaries: BatchSummary[] = [];
      for (const batchId of this.touched) {
        const batch = this.options.ledger.getBatch(batchId);
        if (batch) summaries.push(this.options.ledger.batchSummary(batchId));
      }
      this.touched.clear();
      const held = this.options.heldOf ?? (() => undefined);
      this.options.events.emit('batches.changed', {
        batches: summaries.map((summary) => withHold(toBatchSummaryDto(summary), held(summary.batch.id))),
      });
      for (const summary of summaries) this.track(summary);
      this.reportProgress();
    } catch (error) {
      this.logger.error('announcing job changes failed', error);
    }
  }

  private track(summary: BatchSummary): void {
    const id = summary.batch.id;
    if (!isBatchFinished(summary)) {
      this.active.set(id, summary);
      this.announced.delete(id);
      return;
    }
    const wasActive = this.active.delete(id);
    if ((!wasActive && !this.working.has(id)) || this.announced.has(id)) return;
    this.announced.add(id);
    this.working.delete(id);
    try {
      this.options.onBatchFinished?.(summary);
    } catch (error) {
      this.logger.error('a batch listener failed', error);
    }
  }

  private reportProgress(): void {
    let done = 0;
    let total = 0;
    let running = 0;
    for (const { batch, counts } of this.active.values()) {
      done += counts.succeeded + counts.failed + counts.cancelled + counts.lost;
      total += batch.total;
      running += counts.running;
    }
    this.options.onProgress?.(this.active.size === 0 || total === 0 ? null : done / total);
    this.options.onRunningJobs?.(running);
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}

function withoutUndefined(change: JobChange): JobChangeDto {
  const out: JobChangeDto = {
    id: change.id,
    batchId: change.batchId,
    serviceId: change.serviceId,
    state: change.state,
  };
  if (change.progress !== undefined) out.progress = change.progress;
  if (change.position !== undefined) out.position = change.position;
  if (change.error !== undefined) out.error = change.error;
  if (change.duplicatePossible !== undefined) out.duplicatePossible = change.duplicatePossible;
  if (change.attempt !== undefined) out.attempt = change.attempt;
  if (change.reason !== undefined) out.reason = change.reason;
  if (change.retryAt !== undefined) out.retryAt = change.retryAt;
  if (change.texts !== undefined) out.texts = change.texts;
  return out;
}

/** A batch's summary with its hold, when it has one. */
export function withHold(summary: BatchSummaryDto, held: BatchHoldDto | undefined): BatchSummaryDto {
  return held ? { ...summary, held } : summary;
}
