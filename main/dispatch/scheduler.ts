// The scheduler: one per Studio, one lane per service. It hands pending jobs to the service's edition as slots free
// up — woken by events (a batch queued, a result stored, a retry timer), never by polling. The identity is written
// before every send (DESIGN.md rule 4); a job that was sent before is looked up first and resent with the same
// identity. Results are stored before the edition acknowledges them (the handler's promise resolves after the write).
// This file holds the artist's actions; the lanes (scheduler-lanes.ts) and the sends (scheduler-sender.ts) do the work.
import { BadRequestError, NotFoundError } from '../errors';
import { REMOTE_STATES } from '../ledger/job-state';
import type { JobRecord, Ledger, MemberReason, NewMember } from '../ledger/ledger';
import { receiptOf } from './scheduler-lane';
import { ServiceLanes } from './scheduler-lanes';
import type { ConnectionReport, SchedulerOptions } from './scheduler-options';

export type { JobChange } from './scheduler-lane';
export type { ConnectionReport, SchedulerOptions } from './scheduler-options';
export { DEFAULT_JOB_TIMEOUT_MS, DEFAULT_SEND_DRAIN_MS } from './scheduler-options';

export class Scheduler {
  private readonly ledger: Ledger;
  private readonly lanes: ServiceLanes;

  constructor(options: SchedulerOptions) {
    this.ledger = options.ledger;
    this.lanes = new ServiceLanes(options);
  }

  // Services

  /** Opens the service's lane if needed (recovering its unfinished jobs) and sends what is due. */
  wake(serviceId: string): Promise<void> {
    return this.lanes.wake(serviceId);
  }

  /** The service changed (token, URL, OSS): its edition is rebuilt and its unfinished jobs reconciled again. */
  restartService(serviceId: string): Promise<void> {
    return this.lanes.restart(serviceId);
  }

  /** The service was deleted (or the Studio closes): its edition is closed; its jobs stay in the ledger. */
  closeService(serviceId: string): Promise<void> {
    return this.lanes.closeService(serviceId);
  }

  connections(): ConnectionReport[] {
    return this.lanes.connections();
  }

  // The artist's actions

  async cancel(jobId: string): Promise<JobRecord> {
    const job = this.jobOrThrow(jobId);
    if (REMOTE_STATES.includes(job.state) && job.identity !== null) {
      const lane = this.lanes.laneFor(job.serviceId);
      // A job still being sent is cancelled remotely once the service's reply names its place (JobSender.accepted).
      if (lane && !lane.isSending(jobId)) await lane.cancelRemote(job.identity, receiptOf(job));
    }
    if (this.ledger.markCancelled(jobId)) this.lanes.settled(jobId);
    return this.jobOrThrow(jobId);
  }

  /** Cancels every unfinished job of a batch: the pending ones at once, the sent ones through the service. */
  async cancelBatch(batchId: string): Promise<void> {
    const pending = this.ledger.pageJobs({ filters: { batchId, states: ['pending'] }, limit: 1_000 });
    this.ledger.cancelPendingJobs(batchId);
    for (const job of pending.jobs) this.lanes.changed(job.id);
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
      this.lanes.changed(jobId);
      this.wakeBatch(job.batchId);
    }
    return this.jobOrThrow(jobId);
  }

  pauseBatch(batchId: string): void {
    this.ledger.pauseBatch(batchId);
  }

  resumeBatch(batchId: string): void {
    if (this.ledger.resumeBatch(batchId)) this.wakeBatch(batchId);
  }

  /**
   * Drains a member of a pool batch (it finishes what it accepted and takes nothing new; a job it was about to send
   * again goes back to the pool once a lookup shows it never arrived), or makes it active again.
   */
  setPoolMember(batchId: string, serviceId: string, state: 'active' | 'drained', reason?: MemberReason): boolean {
    const { changed, unpinned } = this.ledger.pools((pools) => pools.setMemberState(batchId, serviceId, state, reason));
    for (const jobId of unpinned) this.lanes.changed(jobId);
    if (changed) this.wakeBatch(batchId);
    return changed;
  }

  /** Adds a service to a batch that has not finished (see PoolTable.addMember) and wakes whoever takes its work. */
  addPoolMember(batchId: string, member: NewMember): void {
    const shared = this.ledger.pools((pools) => pools.addMember(batchId, member));
    for (const jobId of shared) this.lanes.changed(jobId);
    this.wakeBatch(batchId);
  }

  /** Sends a job not sent yet to one member of its pool, or (null) to whichever has room first. */
  pin(jobId: string, serviceId: string | null): JobRecord {
    const job = this.jobOrThrow(jobId);
    if (!this.ledger.pools((pools) => pools.pin(jobId, serviceId))) {
      throw new BadRequestError(
        serviceId === null
          ? 'Only a job of a pool batch that was not sent yet can go back to the pool.'
          : 'Only a job that was not sent yet can be pinned, and only to a service of its batch that takes work.',
      ).withCode('job-pin-refused');
    }
    this.lanes.changed(jobId);
    this.wakeBatch(job.batchId);
    return this.jobOrThrow(jobId);
  }

  /** Wakes the batch's service, or each active member of its pool. */
  wakeBatch(batchId: string): void {
    const members = this.ledger.pools((pools) => pools.members(batchId));
    if (members.length > 0) {
      // A drained member gets nothing new, but jobs pinned to it were given back (PoolTable.setMemberState).
      for (const member of members) if (member.state === 'active') void this.wake(member.serviceId);
      return;
    }
    const batch = this.ledger.getBatch(batchId);
    if (batch) void this.wake(batch.serviceId);
  }

  reorder(jobId: string, beforeJobId: string | null): boolean {
    return this.ledger.reorder(jobId, beforeJobId);
  }

  close(): Promise<void> {
    return this.lanes.close();
  }

  private jobOrThrow(jobId: string): JobRecord {
    const job = this.ledger.getJob(jobId);
    if (!job) throw new NotFoundError('This job is no longer in the ledger.').withCode('job-gone');
    return job;
  }
}
