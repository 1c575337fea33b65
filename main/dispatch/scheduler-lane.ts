// One service's lane in the scheduler: its edition, the jobs being sent, the jobs it follows with their deadlines,
// the retry timer and the connection state. Timers are armed for the next due moment only (no polling).
import type { Clock } from '../adapters';
import type { JobChangeDto, ServiceConnectionDto } from '../../preload/schemas/jobs';
import type { ConnectionState, EditionEvent, SubmitReceipt } from '../editions/edition';
import type { ServiceTarget } from '../editions/service-editions';
import type { JobRecord } from '../ledger/ledger';

/** A job's new state, as the scheduler reports it (coalesced for the renderer by the job feed). */
export type JobChange = JobChangeDto;

/** A service's watcher/socket state and whether sending to it is paused, as the contract carries it. */
export type LaneReport = ServiceConnectionDto;

export interface LaneDeps {
  clock: Clock;
  timeoutMs: number;
  report: (report: LaneReport) => void;
  onTimeout: (jobId: string) => void;
  onRetryDue: () => void;
  /** Closes the service's edition in the pool that lent it (aborting its requests). */
  release: () => Promise<void>;
  log: (message: string, error?: unknown) => void;
}

interface Followed {
  identity: string;
  batchId: string;
  deadline: number;
}

export class Lane {
  readonly sending = new Set<string>();
  closed = false;
  pausedReason: string | undefined;
  private connection: ConnectionState = { state: 'stopped' };
  private readonly tasks = new Set<Promise<void>>();
  private readonly followed = new Map<string, Followed>();
  private readonly byIdentity = new Map<string, string>();
  private retryTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  private deadlineTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  private unsubscribe: () => void = () => undefined;

  constructor(
    readonly serviceId: string,
    readonly target: ServiceTarget,
    private readonly deps: LaneDeps,
  ) {}

  subscribe(listener: (event: EditionEvent) => void): void {
    this.unsubscribe = this.target.edition.onEvent(listener);
  }

  /** Keeps a promise of work on this lane, so that close() waits for it. It must not reject. */
  track(work: Promise<void>): void {
    const task = work.catch((error: unknown) => this.deps.log('background work of a lane failed', error));
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
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
    if (at === null || this.closed) return;
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
    if (this.closed) return;
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
    if (state.state === 'auth-failed') this.pause(state.reason);
    else this.deps.report(this.report());
  }

  /** The service refused the token: nothing more is sent until the service is edited (which rebuilds the lane). */
  pause(reason: string): void {
    this.pausedReason = reason;
    this.deps.report(this.report());
  }

  report(): LaneReport {
    const report: LaneReport = {
      serviceId: this.serviceId,
      connection: this.connection,
      dispatchPaused: this.pausedReason !== undefined,
    };
    if (this.pausedReason !== undefined) {
      report.message = `Jobs for this service wait: ${this.pausedReason} Update the token in the service's settings to continue.`;
      report.code = 'token-refused';
      report.params = { detail: this.pausedReason };
    }
    return report;
  }

  cancelRemote(identity: string, receipt?: SubmitReceipt): Promise<'removed' | 'interrupted' | 'not-found'> {
    return this.target.edition.cancel(identity, receipt);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer.timer);
    this.unsubscribe();
    // Closing the edition aborts its requests, so the sends still in flight settle now.
    await this.deps.release();
    await Promise.allSettled([...this.tasks]);
  }
}

/** What the service was told about a job, for lookup and cancel. */
export function receiptOf(job: JobRecord): SubmitReceipt | undefined {
  if (job.identity === null) return undefined;
  return job.queueIndex === null ? { identity: job.identity } : { identity: job.identity, queueIndex: job.queueIndex };
}
