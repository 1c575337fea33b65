// One service's lane in the scheduler: its edition, the jobs being sent, the jobs it follows with their deadlines,
// the retry timer and the connection state. Timers are armed for the next due moment only (no polling).
import type { Clock } from '../adapters';
import type { ServiceConnectionDto } from '../../preload/schemas/connections';
import type { JobChangeDto } from '../../preload/schemas/jobs';
import type { ConnectionState, EditionEvent, SubmitReceipt } from '../editions/edition';
import type { ServiceTarget } from '../editions/service-editions';
import type { JobRecord } from '../ledger/ledger';
import type { Logger } from '../log/logger';

/** A job's new state, as the scheduler reports it (coalesced for the renderer by the job feed). */
export type JobChange = JobChangeDto;

/** A service's watcher/socket state and whether sending to it is paused, as the contract carries it. */
export type LaneReport = ServiceConnectionDto;

/** Why a lane sends nothing: its token was refused, or the service stayed unreachable past the retry budget. */
export type PauseCode = Extract<NonNullable<LaneReport['code']>, 'token-refused' | 'service-unreachable'>;

export interface LaneDeps {
  clock: Clock;
  timeoutMs: number;
  report: (report: LaneReport) => void;
  onTimeout: (jobId: string) => void;
  onRetryDue: () => void;
  /** Closes the service's edition in the pool that lent it (aborting its requests). */
  release: () => Promise<void>;
  /** How long close() lets sends in flight finish before their requests are aborted (ms). */
  drainMs: number;
  /** How long a lane paused because its service was unreachable waits before it tries again anyway (ms). */
  unreachablePauseMs: number;
  logger: Logger;
}

interface Followed {
  identity: string;
  batchId: string;
  deadline: number;
}

/** Where a job's retry budget starts: its first send of the series, and the sends made before the budget began. */
export interface RetryBudget {
  firstAt: number | undefined;
  sendsBefore: number;
}

export class Lane {
  private readonly sending = new Set<string>();
  /** When each job in a series of failed sends was first sent: the retry budget's time runs from there. */
  private readonly firstSends = new Map<string, number>();
  /** A job's sends made before its current retry budget began (a budget renewed because the service was alive). */
  private readonly budgetStarts = new Map<string, number>();
  /** When the service last accepted a send on this lane: it is alive, whatever one job's failures say. */
  private lastAcceptedAt = 0;
  /** Until when nothing new goes out: the service just failed a send as unreachable (see holdUntil). */
  private heldUntil = 0;
  private ended = false;
  private pauseState: { code: PauseCode; reason: string } | undefined;
  private connection: ConnectionState = { state: 'stopped' };
  private readonly tasks = new Set<Promise<void>>();
  private readonly sends = new Set<Promise<void>>();
  private readonly followed = new Map<string, Followed>();
  private readonly byIdentity = new Map<string, string>();
  private retryTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  private deadlineTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  private resumeTimer: NodeJS.Timeout | undefined;
  private unsubscribe: () => void = () => undefined;

  constructor(
    readonly serviceId: string,
    readonly target: ServiceTarget,
    private readonly deps: LaneDeps,
  ) {}

  /** Closed (the service was edited or removed, or the Studio closes): nothing new starts on this lane. */
  get closed(): boolean {
    return this.ended;
  }

  /** Sending is held back: the token was refused, or the service stayed unreachable. */
  get paused(): boolean {
    return this.pauseState !== undefined;
  }

  /** How many sends (with their lookups) are on their way. */
  get sendCount(): number {
    return this.sending.size;
  }

  isSending(jobId: string): boolean {
    return this.sending.has(jobId);
  }

  startSend(jobId: string): void {
    this.sending.add(jobId);
  }

  endSend(jobId: string): void {
    this.sending.delete(jobId);
  }

  /** A send of the job begins; the first of a series starts its retry budget's time. */
  noteSend(jobId: string, at: number): void {
    if (!this.firstSends.has(jobId)) this.firstSends.set(jobId, at);
  }

  retryBudget(jobId: string): RetryBudget {
    return { firstAt: this.firstSends.get(jobId), sendsBefore: this.budgetStarts.get(jobId) ?? 0 };
  }

  /** The job's budget starts again at `at`, not counting the sends made so far. */
  renewRetryBudget(jobId: string, at: number, sendsBefore: number): void {
    this.firstSends.set(jobId, at);
    this.budgetStarts.set(jobId, sendsBefore);
  }

  /** The job's series of sends is over (accepted, given up or settled). */
  endRetryBudget(jobId: string): void {
    this.firstSends.delete(jobId);
    this.budgetStarts.delete(jobId);
  }

  /** The service accepted the job: its series of sends is over, and the service is alive. */
  accepted(jobId: string, at: number): void {
    this.endRetryBudget(jobId);
    this.lastAcceptedAt = at;
    this.heldUntil = 0;
  }

  /**
   * The service failed a send as unreachable (503, refused, timed out): nothing is sent until `at`, when the failed
   * job's retry is due. Without it every waiting job would be sent into the outage once, each failing on its own, and
   * the first to run out of budget would be whichever the jitter favoured rather than the first that failed.
   */
  holdUntil(at: number): void {
    this.heldUntil = Math.max(this.heldUntil, at);
  }

  /** When sending may start again, if the lane is held now. */
  heldAt(now: number): number | undefined {
    return this.heldUntil > now ? this.heldUntil : undefined;
  }

  /** Whether the service accepted a send on this lane after `at`. */
  acceptedSince(at: number): boolean {
    return this.lastAcceptedAt > at;
  }

  subscribe(listener: (event: EditionEvent) => void): void {
    this.unsubscribe = this.target.edition.onEvent(listener);
  }

  /** Keeps a promise of work on this lane, so that close() waits for it. It must not reject. */
  track(work: Promise<void>): void {
    const task = work.catch((error: unknown) => this.deps.logger.error('background work of a lane failed', error));
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  /** Like track(), for a send: close() lets sends finish (within drainMs) so that every receipt is recorded. */
  trackSend(work: Promise<void>): void {
    const task = work.catch((error: unknown) => this.deps.logger.error('a send failed unexpectedly', error));
    this.sends.add(task);
    void task.finally(() => this.sends.delete(task));
    this.track(task);
  }

  /** A job the service holds: remembered by identity (for events) with the moment it is declared lost. */
  follow(jobId: string, batchId: string, identity: string, since: number): void {
    const deadline = since + this.deps.timeoutMs;
    this.followed.set(jobId, { identity, batchId, deadline });
    this.byIdentity.set(identity, jobId);
    if (!this.deadlineTimer || deadline < this.deadlineTimer.at) this.armDeadline(deadline);
  }

  forget(jobId: string): void {
    const entry = this.followed.get(jobId);
    if (!entry) return;
    this.followed.delete(jobId);
    this.byIdentity.delete(entry.identity);
  }

  jobOf(
    identity: string,
    lookup: () => { id: string; batchId: string } | undefined,
  ): { id: string; batchId: string } | undefined {
    const jobId = this.byIdentity.get(identity);
    const entry = jobId === undefined ? undefined : this.followed.get(jobId);
    if (jobId !== undefined && entry) return { id: jobId, batchId: entry.batchId };
    return lookup();
  }

  /** Wakes the lane when the earliest waiting retry is due. */
  armRetry(at: number | null): void {
    if (at === null || this.ended) return;
    if (this.retryTimer && this.retryTimer.at <= at) return;
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    const timer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.deps.onRetryDue();
      },
      Math.max(0, at - this.deps.clock.now()),
    );
    this.retryTimer = { at, timer };
  }

  private armDeadline(at: number): void {
    if (this.ended) return;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer.timer);
    // setTimeout holds at most 2^31 − 1 ms; a later deadline is re-armed when this one fires.
    const delay = Math.min(Math.max(0, at - this.deps.clock.now()), 2 ** 31 - 1);
    const timer = setTimeout(() => this.expire(), delay);
    this.deadlineTimer = { at, timer };
  }

  private expire(): void {
    this.deadlineTimer = undefined;
    const now = this.deps.clock.now();
    let next = Infinity;
    for (const [jobId, entry] of [...this.followed]) {
      if (entry.deadline <= now) {
        this.forget(jobId);
        this.deps.onTimeout(jobId);
      } else next = Math.min(next, entry.deadline);
    }
    if (next !== Infinity) this.armDeadline(next);
  }

  setConnection(state: ConnectionState): void {
    this.connection = state;
    if (state.state === 'auth-failed') return this.pause(state.reason);
    // The service answers again: jobs held back because it was unreachable go out again.
    if (state.state === 'live' && this.pauseState?.code === 'service-unreachable') return this.resume();
    this.deps.report(this.report());
  }

  /**
   * Nothing more is sent: until the service is edited (which rebuilds the lane) when the token was refused; until its
   * connection is live again when it stayed unreachable. A refused token is not overridden by a later reason.
   */
  pause(reason: string, code: PauseCode = 'token-refused'): void {
    if (this.pauseState?.code === 'token-refused' && code !== 'token-refused') return;
    this.pauseState = { code, reason };
    clearTimeout(this.resumeTimer);
    // A connection that never dropped (a socket that stays up while sends time out) brings no `live` to resume on.
    if (code === 'service-unreachable' && !this.ended) {
      this.resumeTimer = setTimeout(() => this.resume(), this.deps.unreachablePauseMs);
    }
    this.deps.report(this.report());
  }

  private resume(): void {
    clearTimeout(this.resumeTimer);
    if (this.pauseState?.code !== 'service-unreachable') return;
    this.pauseState = undefined;
    this.deps.report(this.report());
    this.deps.onRetryDue();
  }

  report(): LaneReport {
    const report: LaneReport = {
      serviceId: this.serviceId,
      connection: this.connection,
      dispatchPaused: this.pauseState !== undefined,
    };
    if (this.pauseState) {
      const { code, reason } = this.pauseState;
      report.message =
        code === 'token-refused'
          ? `Jobs for this service wait: ${reason} Update the token in the service's settings to continue.`
          : `Jobs for this service wait: it could not be reached within the retry budget. ${reason} They go out again once it answers, or after a pause; check that it is running.`;
      report.code = code;
      report.params = { detail: reason };
    }
    return report;
  }

  cancelRemote(identity: string, receipt?: SubmitReceipt): Promise<'removed' | 'interrupted' | 'not-found'> {
    return this.target.edition.cancel(identity, receipt);
  }

  async close(): Promise<void> {
    this.ended = true;
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer.timer);
    clearTimeout(this.resumeTimer);
    this.unsubscribe();
    // A send in flight may already be accepted: its receipt is worth waiting for, so that the next lane does not
    // send the job again. Past drainMs, closing the edition aborts what is left; those jobs stay `submitting` and
    // the next lane looks them up before sending anything.
    if (this.sends.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const drained = Promise.allSettled([...this.sends]).then(() => undefined);
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.deps.drainMs)));
      await Promise.race([drained, late]);
      clearTimeout(timer);
    }
    await this.deps.release();
    await Promise.allSettled([...this.tasks]);
  }
}

/** What the service was told about a job, for lookup and cancel. */
export function receiptOf(job: JobRecord): SubmitReceipt | undefined {
  if (job.identity === null) return undefined;
  return job.queueIndex === null ? { identity: job.identity } : { identity: job.identity, queueIndex: job.queueIndex };
}
