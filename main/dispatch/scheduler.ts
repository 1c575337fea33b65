// The scheduler: one per Studio, one lane per service. It hands pending jobs to the service's edition as slots free
// up — woken by events (a batch queued, a result stored, a retry timer), never by polling. The identity is written
// before every send (DESIGN.md rule 4); a job that was sent before is looked up first and resent with the same
// identity. Results are stored before the edition acknowledges them (the handler's promise resolves after the write).
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../adapters';
import type { ApiWorkflow } from '../comfy/workflow-types';
import type { EditionEvent, EditionResult, RemoteJobState, SubmitReceipt } from '../editions/edition';
import { NotFoundError } from '../errors';
import { REMOTE_STATES, isTerminal } from '../ledger/job-state';
import type { JobRecord, Ledger } from '../ledger/ledger';
import { jobTimedOut } from './job-timeout';
import { recoverJobs } from './recovery';
import { classifyFailure, decideRetry, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy';
import type { ServiceTarget } from '../editions/service-editions';
import { Lane, receiptOf, unopenableReport, type JobChange } from './scheduler-lane';
import type { ConnectionReport, SchedulerOptions } from './scheduler-options';

export type { JobChange } from './scheduler-lane';
export type { ConnectionReport, SchedulerOptions } from './scheduler-options';

export const DEFAULT_JOB_TIMEOUT_MS = 30 * 60_000;
/** How long a closing lane lets its sends in flight finish, so their receipts are recorded (ms). */
export const DEFAULT_SEND_DRAIN_MS = 15_000;

export class Scheduler {
  private readonly ledger: Ledger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly newIdentity: () => string;
  private readonly lanes = new Map<string, Lane>();
  private readonly closing = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly options: SchedulerOptions) {
    this.ledger = options.ledger;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
    this.newIdentity = options.newIdentity ?? randomUUID;
  }

  // Services

  /** Opens the service's lane if needed (recovering its unfinished jobs) and sends what is due. */
  async wake(serviceId: string): Promise<void> {
    await this.closing.get(serviceId);
    const lane = this.open(serviceId);
    if (lane) this.pump(lane);
  }

  /** The service changed (token, URL, OSS): its edition is rebuilt and its unfinished jobs reconciled again. */
  async restartService(serviceId: string): Promise<void> {
    const had = this.lanes.has(serviceId);
    await this.closeService(serviceId);
    if (had) await this.wake(serviceId);
  }

  /** The service was deleted (or the Studio closes): its edition is closed; its jobs stay in the ledger. */
  async closeService(serviceId: string): Promise<void> {
    const lane = this.lanes.get(serviceId);
    // With no lane, the pool may still hold the service's edition (opened for a download): it goes stale too.
    if (!lane) return this.closing.get(serviceId) ?? this.options.editions.release(serviceId);
    this.lanes.delete(serviceId);
    const done = lane.close().finally(() => this.closing.delete(serviceId));
    this.closing.set(serviceId, done);
    return done;
  }

  connections(): ConnectionReport[] {
    return [...this.lanes.values()].map((lane) => lane.report());
  }

  // The artist's actions

  async cancel(jobId: string): Promise<JobRecord> {
    const job = this.jobOrThrow(jobId);
    if (REMOTE_STATES.includes(job.state) && job.identity !== null) {
      const lane = this.open(job.serviceId);
      // A job still being sent is cancelled remotely once the service's reply names its place (see accepted()).
      if (lane && !lane.sending.has(jobId)) await lane.cancelRemote(job.identity, receiptOf(job));
    }
    if (this.ledger.markCancelled(jobId)) this.settled(jobId);
    return this.jobOrThrow(jobId);
  }

  /** Cancels every unfinished job of a batch: the pending ones at once, the sent ones through the service. */
  async cancelBatch(batchId: string): Promise<void> {
    const pending = this.ledger.pageJobs({ filters: { batchId, states: ['pending'] }, limit: 1_000 });
    this.ledger.cancelPendingJobs(batchId);
    for (const job of pending.jobs) this.changed(job.id);
    const sent = this.ledger.pageJobs({ filters: { batchId, states: [...REMOTE_STATES] }, limit: 1_000 });
    // One unreachable job must not keep the others running: try each, then report the first failure.
    let failure: Error | undefined;
    for (const job of sent.jobs) {
      try {
        await this.cancel(job.id);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
      }
    }
    if (failure) throw failure;
  }

  retry(jobId: string): JobRecord {
    const job = this.jobOrThrow(jobId);
    if (this.ledger.retryJob(jobId)) {
      this.changed(jobId);
      void this.wake(job.serviceId);
    }
    return this.jobOrThrow(jobId);
  }

  pauseBatch(batchId: string): void {
    this.ledger.pauseBatch(batchId);
  }

  resumeBatch(batchId: string): void {
    if (this.ledger.resumeBatch(batchId)) {
      const batch = this.ledger.getBatch(batchId);
      if (batch) void this.wake(batch.serviceId);
    }
  }

  reorder(jobId: string, beforeJobId: string | null): boolean {
    return this.ledger.reorder(jobId, beforeJobId);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.lanes.keys()].map((id) => this.closeService(id)));
    await Promise.all(this.closing.values());
  }

  // Lanes

  private open(serviceId: string): Lane | undefined {
    if (this.closed) return undefined;
    const existing = this.lanes.get(serviceId);
    if (existing) return existing;
    let target: ServiceTarget;
    try {
      target = this.options.editions.target(serviceId);
    } catch (error) {
      this.log(`cannot open the service ${serviceId}`, error);
      this.options.onConnection?.(unopenableReport(serviceId, error));
      return undefined;
    }
    const lane = new Lane(serviceId, target, {
      clock: this.clock,
      timeoutMs: this.timeoutMs,
      report: (report) => this.options.onConnection?.(report),
      onTimeout: (jobId) =>
        lane.track(
          jobTimedOut(jobId, {
            ledger: this.ledger,
            lane,
            timeoutMs: this.timeoutMs,
            now: () => this.clock.now(),
            onResult: (result) => this.onResult(lane, result),
            settled: (id) => this.settled(id),
            log: (message, error) => this.log(message, error),
          }),
        ),
      onRetryDue: () => this.pump(lane),
      release: () => this.options.editions.release(serviceId),
      drainMs: this.options.sendDrainMs ?? DEFAULT_SEND_DRAIN_MS,
      unreachablePauseMs: this.policy.withinMs,
      log: (message, error) => this.log(message, error),
    });
    this.lanes.set(serviceId, lane);
    lane.subscribe((event) => this.onEvent(lane, event));
    target.edition.start((result) => this.onResult(lane, result));
    lane.track(
      recoverJobs(
        this.ledger.unfinishedJobs(serviceId),
        {
          lookup: (job) => target.edition.lookup(job.identity ?? '', receiptOf(job)),
          adopt: (job, remote) => this.adopt(lane, job.id, job.identity ?? '', remote),
          resend: (job, duplicatePossible) => {
            lane.follow(job.id, job.batchId, job.identity ?? '', job.submittedAt ?? this.clock.now());
            const sent = this.send(lane, job.id, job.identity ?? '', () => this.ledger.jobWorkflow(job.id), {
              duplicatePossible,
            });
            lane.trackSend(sent);
            return sent;
          },
          follow: (job) => {
            lane.follow(job.id, job.batchId, job.identity ?? '', job.submittedAt ?? this.clock.now());
            target.edition.follow(job.identity ?? '', receiptOf(job));
          },
          failed: (job, error) => {
            // After close (a restart, a changed service) the job stays as it is for the next lane to reconcile.
            if (!lane.closed) this.sendFailed(lane, job.id, error);
          },
        },
        { lookupIsConclusive: target.lookupIsConclusive },
      ).finally(() => this.pump(lane)),
    );
    return lane;
  }

  /** Sends what the lane has room for. Re-entrant calls fold into one more round. */
  private pump(lane: Lane): void {
    if (lane.closed || this.closed || lane.paused !== undefined) return;
    try {
      const remote = lane.target.limit === 'remote' ? this.ledger.unfinishedJobs(lane.serviceId).length : 0;
      const free = lane.target.concurrency - (lane.target.limit === 'remote' ? remote : lane.sending.size);
      if (free > 0) for (const job of this.ledger.nextPending(lane.serviceId, free)) this.launch(lane, job);
      lane.armRetry(this.ledger.nextRetryAt(lane.serviceId));
    } catch (error) {
      this.log(`sending jobs to ${lane.serviceId} failed`, error);
    }
  }

  private launch(lane: Lane, job: JobRecord & { workflow: ApiWorkflow }): void {
    const askFirst = job.identity !== null;
    const identity = job.identity ?? this.newIdentity();
    if (!this.ledger.assignIdentity(job.id, identity)) return;
    if (!lane.firstSends.has(job.id)) lane.firstSends.set(job.id, this.clock.now());
    lane.follow(job.id, job.batchId, identity, this.clock.now());
    this.changed(job.id);
    // A job sent before (a retry) is looked up first: the service may have received the failed send.
    const lookup = askFirst ? () => lane.target.edition.lookup(identity, receiptOf(job)) : undefined;
    lane.trackSend(this.send(lane, job.id, identity, () => job.workflow, { duplicatePossible: false, lookup }));
  }

  /**
   * Looks up (when asked), then submits with the stored identity; every outcome is written to the ledger. A receipt
   * is recorded whatever became of the lane meanwhile: the service has the job, and a job left `submitting` would be
   * sent again by the next lane.
   */
  private async send(
    lane: Lane,
    jobId: string,
    identity: string,
    workflow: () => ApiWorkflow,
    how: { duplicatePossible: boolean; lookup?: () => Promise<RemoteJobState> },
  ): Promise<void> {
    lane.sending.add(jobId);
    try {
      let duplicatePossible = how.duplicatePossible;
      if (how.lookup) {
        const remote = await how.lookup();
        if (this.adopt(lane, jobId, identity, remote)) return;
        duplicatePossible ||= remote.state === 'unknown' && !lane.target.lookupIsConclusive;
      }
      // Closed, or settled meanwhile (its result came through the sink while it was looked up): nothing to send.
      if (lane.closed || this.ledger.getJob(jobId)?.state !== 'submitting') return;
      if (duplicatePossible && this.ledger.markDuplicatePossible(jobId))
        this.changed(jobId, { duplicatePossible: true });
      const receipt = await lane.target.edition.submit({ jobId, identity, workflow: workflow() });
      this.accepted(lane, jobId, receipt);
    } catch (error) {
      // After close the job stays `submitting`: the next start looks it up before sending it again.
      if (!lane.closed) this.sendFailed(lane, jobId, error);
    } finally {
      lane.sending.delete(jobId);
      this.pump(lane);
    }
  }

  /** The service already has the identity: take its word instead of sending again. */
  private adopt(lane: Lane, jobId: string, identity: string, remote: RemoteJobState): boolean {
    if (remote.state === 'unknown' || remote.state === 'absent') return false;
    if (lane.closed) return true;
    if (remote.state === 'done') {
      void this.onResult(lane, remote.result).catch((error: unknown) => this.log('storing a result failed', error));
      return true;
    }
    this.ledger.markQueued(jobId, { identity });
    if (remote.state === 'running') this.ledger.markRunning(jobId);
    const job = this.ledger.getJob(jobId);
    if (job) lane.follow(jobId, job.batchId, identity, job.submittedAt ?? this.clock.now());
    lane.target.edition.follow(identity, job ? receiptOf(job) : undefined);
    this.changed(
      jobId,
      remote.state === 'queued' && remote.position !== undefined ? { position: remote.position } : {},
    );
    return true;
  }

  private accepted(lane: Lane, jobId: string, receipt: SubmitReceipt): void {
    lane.firstSends.delete(jobId);
    lane.budgetStarts.delete(jobId);
    lane.lastAcceptedAt = this.clock.now();
    if (this.ledger.markQueued(jobId, receipt)) {
      this.changed(jobId);
      return;
    }
    // Cancelled while the request was on its way: now that the service has it, take it back (through the lane that
    // replaced this one, if the service was edited meanwhile).
    const current = lane.closed ? this.lanes.get(lane.serviceId) : lane;
    if (current && this.ledger.getJob(jobId)?.state === 'cancelled') {
      current.track(
        current
          .cancelRemote(receipt.identity, receipt)
          .then(() => undefined)
          .catch((error: unknown) => this.log('cancelling a job just sent failed', error)),
      );
    }
  }

  /**
   * A send (or its lookup) failed: the job is tried again within the retry budget, or ends with a sentence saying
   * why. Each outcome is reported with the attempt number and the reason; a service that stayed unreachable past the
   * budget pauses its lane, and the connection report says so.
   */
  private sendFailed(lane: Lane, jobId: string, error: unknown): void {
    const verdict = classifyFailure(error);
    if (verdict.kind === 'internal') this.log(`sending job ${jobId} failed`, error);
    if (verdict.auth) lane.pause(verdict.message);
    const job = this.ledger.getJob(jobId);
    if (!job) return;
    const now = this.clock.now();
    const firstAt = lane.firstSends.get(jobId) ?? job.submittedAt ?? now;
    const before = lane.budgetStarts.get(jobId) ?? 0;
    let decision = decideRetry(this.policy, verdict, { attempts: job.attempts - before, firstAt, now }, this.random);
    if (!decision.retry && decision.reason !== 'permanent' && verdict.unreachable && lane.lastAcceptedAt > firstAt) {
      // The service took other jobs since this one first failed: what it met was the service's passing trouble (a
      // restart, a 5xx under load), not a dead service. The job gets a fresh budget from now rather than failing.
      lane.firstSends.set(jobId, now);
      lane.budgetStarts.set(jobId, job.attempts - 1);
      decision = decideRetry(this.policy, verdict, { attempts: 1, firstAt: now, now }, this.random);
    }
    const report = { attempt: job.attempts, reason: verdict.message };
    if (decision.retry) {
      if (this.ledger.markFailed(jobId, verdict.kind, verdict.message, decision.at)) lane.forget(jobId);
      this.changed(jobId, { ...report, retryAt: decision.at });
      return;
    }
    lane.firstSends.delete(jobId);
    lane.budgetStarts.delete(jobId);
    if (this.ledger.markFailed(jobId, verdict.kind, decision.message)) lane.forget(jobId);
    if (verdict.unreachable && decision.reason !== 'permanent') lane.pause(verdict.message, 'service-unreachable');
    this.changed(jobId, report);
  }

  private async onResult(lane: Lane, result: EditionResult): Promise<void> {
    await Promise.resolve();
    const details = result.sinkIndex === undefined ? undefined : { sinkIndex: result.sinkIndex };
    const outcome = this.ledger.recordResult(lane.serviceId, result, details);
    if (outcome.jobId !== null) this.settled(outcome.jobId);
    if (outcome.isNew) {
      try {
        this.options.onResultStored?.({ jobId: outcome.jobId, serviceId: lane.serviceId, result });
      } catch (error) {
        this.log('a result listener failed', error);
      }
    }
    this.pump(lane);
  }

  private onEvent(lane: Lane, event: EditionEvent): void {
    if (event.type === 'connection') {
      lane.setConnection(event.state);
      return;
    }
    const job = lane.jobOf(event.identity, () => this.ledger.findJobByIdentity(lane.serviceId, event.identity));
    if (!job) return;
    if (event.type === 'running') {
      if (this.ledger.markRunning(job.id)) this.changed(job.id);
    } else if (event.type === 'progress') {
      const progress = { value: event.value, max: event.max, ...(event.node ? { node: event.node } : {}) };
      this.ledger.updateProgress(job.id, progress);
      this.emit({ id: job.id, batchId: job.batchId, serviceId: lane.serviceId, state: 'running', progress });
    } else if (event.position !== undefined) {
      this.changed(job.id, { position: event.position });
    }
  }

  /** A job reached a final state (or left the service): stop following it and tell the listeners. */
  private settled(jobId: string): void {
    const job = this.changed(jobId);
    if (!job) return;
    const lane = this.lanes.get(job.serviceId);
    if (isTerminal(job.state) || job.state === 'pending') lane?.forget(jobId);
    if (isTerminal(job.state)) {
      lane?.firstSends.delete(jobId);
      lane?.budgetStarts.delete(jobId);
    }
    if (lane) this.pump(lane);
  }

  private changed(jobId: string, extra: Partial<JobChange> = {}): JobRecord | undefined {
    const job = this.ledger.getJob(jobId);
    if (!job) return undefined;
    this.emit({
      id: job.id,
      batchId: job.batchId,
      serviceId: job.serviceId,
      state: job.state,
      progress: job.progress,
      error: job.error,
      ...extra,
    });
    return job;
  }

  private emit(change: JobChange): void {
    try {
      this.options.onJobChange?.(change);
    } catch (error) {
      this.log('a job listener failed', error);
    }
  }

  private jobOrThrow(jobId: string): JobRecord {
    const job = this.ledger.getJob(jobId);
    if (!job) throw new NotFoundError('This job is no longer in the ledger.');
    return job;
  }

  private log(message: string, error?: unknown): void {
    this.options.log?.(message, error);
  }
}
