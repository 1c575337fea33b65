// The scheduler's lanes, one per service: opened on demand (recovering the service's unfinished jobs), rebuilt when
// the service changes, closed when it goes. Results and events from each lane's edition are written to the ledger
// here, and every job change goes to the scheduler's listener.
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../adapters';
import type { EditionEvent, EditionResult } from '../editions/edition';
import type { ServiceTarget } from '../editions/service-editions';
import { isArtlabError } from '../errors';
import { isTerminal } from '../ledger/job-state';
import type { JobRecord, Ledger } from '../ledger/ledger';
import { dtoTexts } from '../ledger/ledger-dto';
import { silentLogger, type Logger } from '../log/logger';
import { jobTimedOut } from './job-timeout';
import { recoverJobs } from './recovery';
import { DEFAULT_RETRY_POLICY } from './retry-policy';
import { Lane, receiptOf, type JobChange, type LaneReport } from './scheduler-lane';
import {
  DEFAULT_JOB_TIMEOUT_MS,
  DEFAULT_SEND_DRAIN_MS,
  type ConnectionReport,
  type SchedulerOptions,
} from './scheduler-options';
import { JobSender } from './scheduler-sender';

export class ServiceLanes {
  private readonly ledger: Ledger;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly unreachablePauseMs: number;
  private readonly sender: JobSender;
  private readonly lanes = new Map<string, Lane>();
  private readonly closing = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly options: SchedulerOptions) {
    this.ledger = options.ledger;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.timeoutMs = options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
    const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.unreachablePauseMs = policy.withinMs;
    this.sender = new JobSender({
      ledger: this.ledger,
      clock: this.clock,
      random: options.random ?? Math.random,
      policy,
      newIdentity: options.newIdentity ?? randomUUID,
      changed: (jobId, extra) => this.changed(jobId, extra),
      storeResult: (lane, result) => this.onResult(lane, result),
      laneOf: (serviceId) => this.lanes.get(serviceId),
      stopped: () => this.closed,
      // Any open lane may be a member of the job's pool; a lane with nothing to take returns at once.
      returnedToPool: () => {
        for (const lane of this.lanes.values()) this.sender.pump(lane);
      },
      logger: this.logger,
    });
  }

  /** Opens the service's lane if needed (recovering its unfinished jobs) and sends what is due. */
  async wake(serviceId: string): Promise<void> {
    await this.closing.get(serviceId);
    const lane = this.open(serviceId);
    if (lane) this.sender.pump(lane);
  }

  /** The service's lane, opened if needed; none once the scheduler closes or when the service cannot be opened. */
  laneFor(serviceId: string): Lane | undefined {
    return this.open(serviceId);
  }

  /** The service changed (token, URL, OSS): its edition is rebuilt and its unfinished jobs reconciled again. */
  async restart(serviceId: string): Promise<void> {
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
    const done = lane
      .close()
      .then(() => this.logger.info(`lane for ${serviceId} stopped`))
      .finally(() => this.closing.delete(serviceId));
    this.closing.set(serviceId, done);
    return done;
  }

  connections(): ConnectionReport[] {
    return [...this.lanes.values()].map((lane) => lane.report());
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.lanes.keys()].map((id) => this.closeService(id)));
    await Promise.all(this.closing.values());
  }

  /** A job reached a final state (or left the service): stop following it and tell the listeners. */
  settled(jobId: string): void {
    const job = this.changed(jobId);
    if (!job) return;
    const lane = this.lanes.get(job.serviceId);
    if (isTerminal(job.state) || job.state === 'pending') lane?.forget(jobId);
    if (isTerminal(job.state)) lane?.endRetryBudget(jobId);
    if (lane) this.sender.pump(lane);
  }

  /** Tells the listeners the job's state as the ledger now holds it, with what the ledger does not keep. */
  changed(jobId: string, extra: Partial<JobChange> = {}): JobRecord | undefined {
    const job = this.ledger.getJob(jobId);
    if (!job) return undefined;
    this.emit({
      id: job.id,
      batchId: job.batchId,
      serviceId: job.serviceId,
      state: job.state,
      progress: job.progress,
      error: job.error,
      ...(job.texts.length > 0 ? { texts: dtoTexts(job) } : {}),
      ...extra,
    });
    return job;
  }

  private open(serviceId: string): Lane | undefined {
    if (this.closed) return undefined;
    const existing = this.lanes.get(serviceId);
    if (existing) return existing;
    let target: ServiceTarget;
    try {
      target = this.options.editions.target(serviceId);
    } catch (error) {
      this.logger.error(`cannot open the service ${serviceId}`, error);
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
            logger: this.logger,
          }),
        ),
      onRetryDue: () => this.sender.pump(lane),
      release: () => this.options.editions.release(serviceId),
      drainMs: this.options.sendDrainMs ?? DEFAULT_SEND_DRAIN_MS,
      unreachablePauseMs: this.unreachablePauseMs,
      logger: this.logger,
    });
    this.lanes.set(serviceId, lane);
    this.logger.info(`lane for ${serviceId} opened`);
    lane.subscribe((event) => this.onEvent(lane, event));
    target.edition.start((result) => this.onResult(lane, result));
    lane.track(
      recoverJobs(
        this.ledger.unfinishedJobs(serviceId),
        {
          lookup: (job) => target.edition.lookup(job.identity ?? '', receiptOf(job)),
          adopt: (job, remote) => this.sender.adopt(lane, job.id, job.identity ?? '', remote),
          resend: (job, duplicatePossible) => this.sender.resend(lane, job, duplicatePossible),
          follow: (job) => {
            lane.follow(job.id, job.batchId, job.identity ?? '', job.submittedAt ?? this.clock.now());
            target.edition.follow(job.identity ?? '', receiptOf(job));
          },
          failed: (job, error) => {
            // After close (a restart, a changed service) the job stays as it is for the next lane to reconcile.
            if (!lane.closed) this.sender.sendFailed(lane, job.id, error);
          },
        },
        { lookupIsConclusive: target.lookupIsConclusive },
      ).finally(() => this.sender.pump(lane)),
    );
    return lane;
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
        this.logger.error('a result listener failed', error);
      }
    }
    this.sender.pump(lane);
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
    } else if (event.type === 'previews') {
      try {
        this.options.onPreviews?.({ jobId: job.id, serviceId: lane.serviceId, files: event.files });
      } catch (error) {
        this.logger.error('a preview listener failed', error);
      }
    } else if (event.position !== undefined) {
      this.changed(job.id, { position: event.position });
    }
  }

  private emit(change: JobChange): void {
    try {
      this.options.onJobChange?.(change);
    } catch (error) {
      this.logger.error('a job listener failed', error);
    }
  }
}

/** A service whose edition cannot be built: its jobs wait, and the Services page says why (a secret, a malformed URL). */
function unopenableReport(serviceId: string, error: unknown): LaneReport {
  const message = isArtlabError(error) ? error.message : 'The service could not be opened. The details are in the log.';
  return {
    serviceId,
    connection: { state: 'stopped' },
    dispatchPaused: true,
    message,
    code: 'service-unopenable',
    params: { detail: message },
  };
}
