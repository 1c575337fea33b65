// The durable job ledger (DESIGN.md rule 4: the ledger is the truth and it is written first). Every transition is
// one guarded UPDATE (`WHERE state IN (...)`, see job-state.ts) that reports whether it applied, so the scheduler,
// the result handlers and the artist's clicks can race without a job moving backwards. Every failure of the disk or
// the file is a StorageError that says what to do.

import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { systemClock, type Clock } from '../adapters';
import type { ApiWorkflow } from '../comfy/workflow-types';
import type { EditionResult, SubmitReceipt } from '../editions/edition';
import { BadRequestError } from '../errors';
import type { CodedError, JobFailureInput } from './coded-error';
import { TRANSITIONS, type JobState } from './job-state';
import { reorderJob } from './job-order';
import { failureUpdate, lostUpdate } from './job-endings';
import { BatchTable, SEQ_STEP, type BatchSummary, type NewBatch } from './ledger-batches';
import { openLedgerDatabase } from './ledger-database';
import { readGridJobs, type GridJobRow } from './ledger-grid';
import { migrateLedger } from './ledger-migrations';
import { MAX_PAGE_SIZE, type JobPage, type PageJobsQuery } from './ledger-paging';
import { PoolTable, poolMarker } from './ledger-pool';
import { JobQueries, type PendingJob } from './ledger-queries';
import {
  ResultTable,
  type RecordResultOutcome,
  type ResultDetails,
  type ResultQuery,
  type ResultRecord,
} from './ledger-results';
import type { BatchRecord, JobProgress, JobRecord } from './ledger-rows';
import { UsageTable } from './ledger-usage';
import { HoldTable } from './ledger-holds';
import { ProgressBuffer } from './progress-buffer';
import { withStorage } from './storage-errors';

export type { BatchSummary, NewBatch, NewBatchOfPatches, NewJob } from './ledger-batches';
export type { JobFilters, JobPage, PageJobsQuery } from './ledger-paging';
export type { PendingJob } from './ledger-queries';
export type { BatchMember, MemberFigures, MemberReason, MemberState, NewMember } from './ledger-pool';
export type { RecordResultOutcome, ResultDetails, ResultQuery, ResultRecord } from './ledger-results';
export type { BatchRecord, JobProgress, JobRecord } from './ledger-rows';
export type { JobTimeRow, UsageRow, UsageSource } from './ledger-usage';

export interface LedgerOptions {
  clock?: Clock;
  newId?: () => string;
  /** Progress ticks are kept in memory and written at most this often (ms); they matter only while running. */
  progressFlushMs?: number;
  /** The file named in error messages, for a database the caller opened itself. */
  file?: string;
  /** Where a failed background write (coalesced progress) is reported. */
  reportError?: (error: unknown) => void;
}

const inList = (states: readonly JobState[]): string => states.map((s) => `'${s}'`).join(', ');

export class Ledger {
  readonly file: string;
  private readonly clock: Clock;
  private readonly newId: () => string;
  private readonly results: ResultTable;
  private readonly batches: BatchTable;
  private readonly queries: JobQueries;
  private readonly pool: PoolTable;
  private readonly usageTable: UsageTable;
  private readonly holdTable: HoldTable;
  private readonly progress: ProgressBuffer;
  private closed = false;
  /** The batch being stored in turns, if any: the next waits for it. */
  private filling: Promise<unknown> = Promise.resolve();

  /** Opens (creating and migrating when needed) the ledger at `file`. */
  static open(file: string, options: Omit<LedgerOptions, 'file'> = {}): Ledger {
    const db = openLedgerDatabase(file);
    try {
      return new Ledger(db, { ...options, file });
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Takes an open database (configured with configureLedgerDatabase) and migrates it. */
  constructor(
    private readonly db: Database,
    options: LedgerOptions = {},
  ) {
    this.file = options.file ?? db.name;
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomUUID;
    this.progress = new ProgressBuffer(
      options.progressFlushMs ?? 1_000,
      (entries) => this.writeProgress(entries),
      options.reportError ?? ((error) => console.error('Ledger: progress not saved', error)),
    );
    const now = (): number => this.clock.now();
    this.results = new ResultTable(db, now);
    this.queries = new JobQueries(db, now);
    this.pool = new PoolTable(db, now, this.queries);
    this.batches = new BatchTable(db, now, this.newId, this.pool);
    this.usageTable = new UsageTable(db);
    this.holdTable = new HoldTable(db);
    this.run(() => migrateLedger(db));
  }

  /** Services' running time for the cost estimate (service_usage and the jobs' send→result times). */
  usage<T>(work: (table: UsageTable) => T): T {
    return this.run(() => work(this.usageTable));
  }

  /** Batches and pool members waiting for their GPU to start (start_holds). */
  startHolds<T>(work: (table: HoldTable) => T): T {
    return this.run(() => work(this.holdTable));
  }

  private run<T>(work: () => T): T {
    return withStorage(this.file, work);
  }

  private now(): number {
    return this.clock.now();
  }

  // Batches

  /**
   * Stores a batch and all its jobs (pending, in order, after every job already queued), a chunk per transaction; the
   * batch is hidden until its last job is written.
   */
  createBatch(input: NewBatch): { batch: BatchRecord; jobIds: string[] } {
    return this.run(() => this.batches.create(input));
  }

  /**
   * As createBatch, giving the event loop a turn between chunks: 100,000 jobs take seconds to write, and the app
   * answers meanwhile (progress, other calls). Batches stored this way are written one after another, so two queued
   * at once keep their jobs together.
   */
  createBatchInTurns(input: NewBatch): Promise<{ batch: BatchRecord; jobIds: string[] }> {
    const created = this.filling.then(async () => {
      const fill = this.run(() => this.batches.begin(input));
      try {
        while (this.run(() => fill.writeChunk())) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (this.closed) {
            throw new BadRequestError('The app is closing: this batch was not queued.').withCode('batch-app-closing');
          }
        }
        return this.run(() => fill.finish());
      } catch (error) {
        if (!this.closed) fill.discard();
        throw error;
      }
    });
    // Only the order is kept: the batch and its job ids go to the caller, not into the chain.
    this.filling = created.then(
      () => undefined,
      () => undefined,
    );
    return created;
  }
  getBatch(batchId: string): BatchRecord | undefined {
    return this.run(() => this.batches.get(batchId));
  }
  /** A paused batch's pending jobs are not handed out; jobs already sent carry on. Returns whether it changed. */
  pauseBatch(batchId: string): boolean {
    return this.run(() => this.batches.setPaused(batchId, true));
  }
  resumeBatch(batchId: string): boolean {
    return this.run(() => this.batches.setPaused(batchId, false));
  }
  batchSummary(batchId: string): BatchSummary {
    return this.run(() => this.batches.summary(batchId));
  }
  /** Batches newest first; pass the last one's `createdAt` and `id` for the next page. */
  pageBatches(limit: number, after?: { createdAt: number; id: string }): BatchRecord[] {
    return this.run(() => this.batches.page(Math.min(Math.max(1, limit), MAX_PAGE_SIZE), after));
  }
  deleteBatch(batchId: string): boolean {
    return this.run(() => this.batches.delete(batchId));
  }
  /** Cancels every job of the batch not sent yet; returns how many. Sent jobs need the service: see markCancelled. */
  cancelPendingJobs(batchId: string): number {
    return this.run(() => this.batches.cancelPending(batchId));
  }

  // Pools

  /**
   * Pool batches' members, figures and the artist's steering (ledger-pool.ts). A write that must be atomic takes its
   * own write lock there.
   */
  pools<T>(work: (table: PoolTable) => T): T {
    return this.run(() => work(this.pool));
  }
  /** Gives back to the pool a job `serviceId` provably never received; false for a job not of a pool batch. */
  returnToPool(jobId: string, serviceId: string): boolean {
    return this.run(() => {
      const returned = this.db.transaction(() => this.pool.returnToPool(jobId, serviceId)).immediate();
      if (returned) this.progress.forget(jobId);
      return returned;
    });
  }

  // Job transitions. Each returns whether it applied; false means the job had already moved on (a race, not a fault).

  /**
   * Writes the identity and moves the job to `submitting`: call it BEFORE sending the request, and send only when it
   * returns true (false: the job was cancelled or picked meanwhile). A job that already has an identity (a retry after
   * a transient failure) must be sent with the same one. A lane passes its `serviceId`: an unassigned job of a pool
   * batch is then claimed for it in the same transaction (false when it is not an active member any more).
   */
  assignIdentity(jobId: string, identity: string, serviceId?: string): boolean {
    // IMMEDIATE: the checks and the write hold one write lock, also against a second process (the CLI) on the file.
    const assign = this.db.transaction(() => this.pool.assign(jobId, identity, serviceId));
    return this.run(() => assign.immediate());
  }

  /**
   * The service accepted the job (queue index or ComfyUI's number); also refreshes the position of a queued job.
   * The reply may come after the job already started or finished (a fast service, a progress socket quicker than the
   * HTTP reply): the state then stays, but the queue index is still kept while the job is unfinished, for cancel.
   */
  markQueued(jobId: string, receipt: SubmitReceipt): boolean {
    return this.run(() =>
      this.db.transaction(() => {
        if (receipt.queueIndex !== undefined) {
          this.db
            .prepare(`UPDATE jobs SET queue_index = ? WHERE id = ? AND identity = ? AND state IN ('queued', 'running')`)
            .run(receipt.queueIndex, jobId, receipt.identity);
        }
        return this.transition(
          jobId,
          TRANSITIONS.markQueued,
          `state = 'queued', queue_index = coalesce(?, queue_index)`,
          receipt.queueIndex ?? null,
        );
      })(),
    );
  }

  markRunning(jobId: string): boolean {
    return this.transition(jobId, TRANSITIONS.markRunning, `state = 'running', started_at = ?`, this.now());
  }

  /** Progress of a running job: visible at once, written coalesced (see progress-buffer.ts). */
  updateProgress(jobId: string, progress: JobProgress): void {
    this.progress.set(jobId, progress);
  }

  /** Writes the progress held in memory now (also done by close()). */
  flushProgress(): void {
    this.progress.flush();
  }

  private writeProgress(entries: [string, JobProgress][]): void {
    this.run(() => {
      const update = this.db.prepare(
        `UPDATE jobs SET progress_value = ?, progress_max = ? WHERE id = ? AND state = 'running'`,
      );
      this.db.transaction(() => {
        for (const [jobId, p] of entries) update.run(p.value, p.max, jobId);
      })();
    });
  }

  /**
   * Stores a result and moves its job to succeeded or failed in one transaction (see resultState for late results).
   * Idempotent: a redelivered result changes nothing and says so with `isNew: false`. A result whose identity no job
   * has is stored as external. Acknowledge the result to the service only after this returns.
   */
  recordResult(serviceId: string, result: EditionResult, details?: ResultDetails): RecordResultOutcome {
    return this.run(() => {
      const outcome = this.results.record(serviceId, result, details);
      if (outcome.jobId !== null) this.progress.forget(outcome.jobId);
      return outcome;
    });
  }

  recordExternalResult(serviceId: string, result: EditionResult, details?: ResultDetails): RecordResultOutcome {
    return this.run(() => this.results.recordExternal(serviceId, result, details));
  }

  /**
   * Records a failure. With `retryAt` (a transient failure: network, 5xx, 429) the job goes back to pending, keeps
   * its identity and waits until then; without, it ends as failed.
   */
  markFailed(jobId: string, failure: JobFailureInput, retryAt?: number): boolean {
    const { from, set, values } = failureUpdate(failure, retryAt, this.now());
    return this.transition(jobId, from, set, ...values);
  }

  /** Call after the service removed or interrupted the job (or at once for a pending one). */
  markCancelled(jobId: string): boolean {
    return this.transition(
      jobId,
      TRANSITIONS.markCancelled,
      `state = 'cancelled', finished_at = ?, next_attempt_at = NULL`,
      this.now(),
    );
  }

  /** No result came in time and the service does not know the job any more; the artist may retry it. */
  markLost(jobId: string, message: string, coded?: CodedError): boolean {
    const { from, set, values } = lostUpdate(message, coded, this.now());
    return this.transition(jobId, from, set, ...values);
  }

  /**
   * The artist's retry of a failed, cancelled or lost job: pending again, at its place in the queue, with its identity
   * cleared so that the next send gets a fresh one (a result for the old identity then arrives as external). A pool
   * batch's job goes back to its pool, for whichever member has room first.
   */
  retryJob(jobId: string): boolean {
    return this.transition(
      jobId,
      TRANSITIONS.retryJob,
      `state = 'pending', identity = NULL, queue_index = NULL, error_kind = NULL, error_message = NULL,
       service_id = CASE WHEN EXISTS (SELECT 1 FROM batch_members m WHERE m.batch_id = jobs.batch_id)
         THEN 'pool:' || batch_id ELSE service_id END,
       error_code = NULL, error_params = NULL,
       submitted_at = NULL, started_at = NULL, finished_at = NULL, next_attempt_at = NULL,
       progress_value = NULL, progress_max = NULL, duplicate_possible = 0`,
    );
  }

  /** The job is resent with an identity a queue-edition worker may already have taken; kept across restarts. */
  markDuplicatePossible(jobId: string): boolean {
    return this.run(
      () => this.db.prepare('UPDATE jobs SET duplicate_possible = 1 WHERE id = ?').run(jobId).changes > 0,
    );
  }

  private transition(jobId: string, from: readonly JobState[], set: string, ...values: (string | number | null)[]) {
    return this.run(() => {
      const changed =
        this.db.prepare(`UPDATE jobs SET ${set} WHERE id = ? AND state IN (${inList(from)})`).run(...values, jobId)
          .changes > 0;
      if (!changed) this.jobOrThrow(jobId);
      else this.progress.forget(jobId);
      return changed;
    });
  }

  /**
   * Moves a pending job to just before `beforeJobId` (another job of the same service), or to the end of the queue
   * when null. Returns false when the job is no longer pending.
   */
  reorder(jobId: string, beforeJobId: string | null): boolean {
    return this.run(() => this.db.transaction(() => reorderJob(this.db, jobId, beforeJobId, SEQ_STEP))());
  }

  // Queries

  getJob(jobId: string): JobRecord | undefined {
    return this.run(() => this.liveProgress(this.queries.get(jobId)));
  }
  private jobOrThrow(jobId: string): JobRecord {
    return this.queries.getOrThrow(jobId);
  }
  findJobByIdentity(serviceId: string, identity: string): JobRecord | undefined {
    return this.run(() => this.liveProgress(this.queries.byIdentity(serviceId, identity)));
  }
  /** The workflow the job sends (or sent): the patched copy stored with it, big integers exact. */
  jobWorkflow(jobId: string): ApiWorkflow {
    return this.run(() => this.queries.workflow(jobId));
  }
  /** Every job of a batch with its patch and first image, for the batch's grid (one statement). */
  gridJobs(batchId: string): GridJobRow[] {
    return this.run(() => readGridJobs(this.db, batchId));
  }
  /** The next jobs to send to a service, in queue order: pending, in a batch that is not paused, due now. */
  nextPending(serviceId: string, limit: number, poolRoom: () => number = () => limit): PendingJob[] {
    return this.run(() => {
      // The service's own jobs first (pool jobs it already holds among them), then as many unassigned jobs of the
      // pools it is an active member of as `poolRoom` allows, in queue order: each lane takes what it has room for,
      // so work follows capacity.
      const own = this.queries.nextPending(serviceId, limit);
      if (own.length >= limit) return own;
      const batches = this.pool.activeBatches(serviceId);
      const room = batches.length === 0 ? 0 : Math.min(limit - own.length, poolRoom());
      if (room <= 0) return own;
      const pooled = batches.flatMap((batchId) => this.queries.nextPending(poolMarker(batchId), room));
      pooled.sort((a, b) => a.seq - b.seq || a.id.localeCompare(b.id));
      return [...own, ...pooled.slice(0, room)];
    });
  }
  /** When the earliest waiting retry of a service is due (for a timer instead of polling), or null. */
  nextRetryAt(serviceId: string): number | null {
    return this.run(() => this.queries.nextRetryAt(serviceId));
  }
  /**
   * Jobs a service may know of (submitting, queued, running), in queue order: what recovery reconciles after a
   * restart. Pending jobs are resumed by nextPending; one that already has an identity was sent before, and the
   * scheduler asks the service about it before sending it again.
   */
  unfinishedJobs(serviceId?: string): JobRecord[] {
    return this.run(() => this.queries.unfinished(serviceId).map((job) => this.withLiveProgress(job)));
  }
  /**
   * Whether the service has work: a job of its own waiting or in hand, or a pool batch it is an active member of
   * with jobs still unassigned (auto-stop keeps such a service).
   */
  hasWork(serviceId: string): boolean {
    return this.run(() => this.queries.hasWork(serviceId) || this.pool.activeBatches(serviceId).length > 0);
  }
  /** How many jobs the service has in hand (submitting, queued, running): read from the index alone. */
  countUnfinished(serviceId: string): number {
    return this.run(() => this.queries.countUnfinished(serviceId));
  }
  /** One page of jobs, filtered, in queue order (or newest first); pass `nextCursor` back for the next page. */
  pageJobs(query: PageJobsQuery = {}): JobPage {
    return this.run(() => {
      const page = this.queries.page(query);
      return { ...page, jobs: page.jobs.map((job) => this.withLiveProgress(job)) };
    });
  }

  private liveProgress(job: JobRecord | undefined): JobRecord | undefined {
    return job && this.withLiveProgress(job);
  }

  private withLiveProgress(job: JobRecord): JobRecord {
    const live = job.state === 'running' ? this.progress.get(job.id) : undefined;
    return live ? { ...job, progress: live } : job;
  }

  // Results (their image rows are the gallery's: it owns the images table)

  resultsOfJob(jobId: string): ResultRecord[] {
    return this.run(() => this.results.resultsOfJob(jobId));
  }
  /** Results newest first (filter `external: true` for the ones this app did not ask for). */
  pageResults(query: ResultQuery): ResultRecord[] {
    return this.run(() => this.results.page({ ...query, limit: Math.min(Math.max(1, query.limit), MAX_PAGE_SIZE) }));
  }

  /** Writes pending progress and closes the file. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.progress.close();
    } finally {
      this.db.close();
    }
  }
}
