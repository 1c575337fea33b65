// Sending a lane's jobs: as slots free up, each due job gets its identity written to the ledger before it is sent
// (DESIGN.md rule 4); a job sent before is looked up first and resent with the same identity. Every outcome of a send
// is written to the ledger: accepted, adopted from the service, retried within its budget, or failed with a reason.
import type { Clock } from '../adapters';
import type { ApiWorkflow } from '../comfy/workflow-types';
import type { EditionResult, RemoteJobState, SubmitReceipt } from '../editions/edition';
import type { JobRecord, Ledger } from '../ledger/ledger';
import type { Logger } from '../log/logger';
import { classifyFailure, decideRetry, type FailureVerdict, type RetryPolicy } from './retry-policy';
import { receiptOf, type JobChange, type Lane } from './scheduler-lane';

export interface SenderDeps {
  ledger: Ledger;
  clock: Clock;
  random: () => number;
  policy: RetryPolicy;
  newIdentity: () => string;
  /** Reports a job's state as the ledger now holds it (with what the ledger does not keep). */
  changed: (jobId: string, extra?: Partial<JobChange>) => JobRecord | undefined;
  /** Stores a result the service already had. */
  storeResult: (lane: Lane, result: EditionResult) => Promise<void>;
  /** The service's open lane now: the one that replaced a closed lane, if the service was edited meanwhile. */
  laneOf: (serviceId: string) => Lane | undefined;
  /** The scheduler is closing: nothing more is sent. */
  stopped: () => boolean;
  /** A pool job went back to its pool: the other members' lanes may take it. */
  returnedToPool: (jobId: string) => void;
  logger: Logger;
}

export class JobSender {
  constructor(private readonly deps: SenderDeps) {}

  /** Sends what the lane has room for. Re-entrant calls fold into one more round. */
  pump(lane: Lane): void {
    const { ledger } = this.deps;
    if (lane.closed || this.deps.stopped() || lane.paused) return;
    try {
      const held = lane.heldAt(this.deps.clock.now());
      if (held !== undefined) return lane.armRetry(held);
      const { concurrency, limit } = lane.target;
      const remote = limit === 'remote' ? ledger.countUnfinished(lane.serviceId) : undefined;
      const free = concurrency - (remote ?? lane.sendCount);
      // Pool work follows what the service has in hand, whatever its own limit: a queue-edition lane counts only
      // sends in flight, and would otherwise pull a whole pool into its queue while the other members sit idle.
      // Counted only when pool work is wanted: a long queue-edition backlog would make every pump read it.
      // A queue-edition service's room follows its workers when its queue says how many (worker-capacity.ts).
      const poolRoom = (): number =>
        Math.min(free, (lane.target.poolSlots?.() ?? concurrency) - (remote ?? ledger.countUnfinished(lane.serviceId)));
      if (free > 0) for (const job of ledger.nextPending(lane.serviceId, free, poolRoom)) this.launch(lane, job);
      lane.armRetry(ledger.nextRetryAt(lane.serviceId));
    } catch (error) {
      this.deps.logger.error(`sending jobs to ${lane.serviceId} failed`, error);
    }
  }

  /** Sends again, with its stored identity, a job that recovery found between its identity and the reply. */
  resend(lane: Lane, job: JobRecord, duplicatePossible: boolean): Promise<void> {
    const identity = job.identity ?? '';
    lane.follow(job.id, job.batchId, identity, job.submittedAt ?? this.deps.clock.now());
    const sent = this.send(lane, job.id, identity, () => this.deps.ledger.jobWorkflow(job.id), { duplicatePossible });
    lane.trackSend(sent);
    return sent;
  }

  /** The service already has the identity: take its word instead of sending again. */
  adopt(lane: Lane, jobId: string, identity: string, remote: RemoteJobState): boolean {
    const { ledger } = this.deps;
    if (remote.state === 'unknown' || remote.state === 'absent') return false;
    if (lane.closed) return true;
    if (remote.state === 'done') {
      void this.deps
        .storeResult(lane, remote.result)
        .catch((error: unknown) => this.deps.logger.error('storing a result failed', error));
      return true;
    }
    ledger.markQueued(jobId, { identity });
    if (remote.state === 'running') ledger.markRunning(jobId);
    const job = ledger.getJob(jobId);
    if (job) lane.follow(jobId, job.batchId, identity, job.submittedAt ?? this.deps.clock.now());
    lane.target.edition.follow(identity, job ? receiptOf(job) : undefined);
    this.deps.changed(
      jobId,
      remote.state === 'queued' && remote.position !== undefined ? { position: remote.position } : {},
    );
    return true;
  }

  /**
   * A send (or its lookup) failed: the job is tried again within the retry budget, or ends with a sentence saying
   * why. Each outcome is reported with the attempt number and the reason; a service that stayed unreachable past the
   * budget pauses its lane, and the connection report says so.
   */
  sendFailed(lane: Lane, jobId: string, error: unknown): void {
    const { ledger, policy, random } = this.deps;
    const verdict = classifyFailure(error);
    if (verdict.kind === 'internal') this.deps.logger.error(`sending job ${jobId} failed`, error);
    if (verdict.auth) lane.pause(verdict.message);
    const job = ledger.getJob(jobId);
    if (!job) return;
    const now = this.deps.clock.now();
    const budget = lane.retryBudget(jobId);
    const firstAt = budget.firstAt ?? job.submittedAt ?? now;
    let decision = decideRetry(policy, verdict, { attempts: job.attempts - budget.sendsBefore, firstAt, now }, random);
    if (!decision.retry && decision.reason !== 'permanent' && verdict.unreachable && lane.acceptedSince(firstAt)) {
      // The service took other jobs since this one first failed: what it met was the service's passing trouble (a
      // restart, a 5xx under load), not a dead service. The job gets a fresh budget from now rather than failing.
      lane.renewRetryBudget(jobId, now, job.attempts - 1);
      decision = decideRetry(policy, verdict, { attempts: 1, firstAt: now, now }, random);
    }
    const report = { attempt: job.attempts, reason: verdict.message };
    if (decision.retry) {
      if (verdict.unreachable) lane.holdUntil(decision.at);
      if (ledger.markFailed(jobId, verdict, decision.at)) lane.forget(jobId);
      this.deps.changed(jobId, { ...report, retryAt: decision.at });
      return;
    }
    lane.endRetryBudget(jobId);
    // A budget that ran out rides beside the cause's values, so the Queue can say both in the artist's language.
    const coded = verdict.coded && {
      code: verdict.coded.code,
      params: { ...verdict.coded.params, ...givenUpParams(decision.givenUp) },
    };
    if (ledger.markFailed(jobId, { ...verdict, message: decision.message, coded })) lane.forget(jobId);
    if (verdict.unreachable && decision.reason !== 'permanent') lane.pause(verdict.message, 'service-unreachable');
    this.deps.changed(jobId, report);
  }

  private launch(lane: Lane, job: JobRecord & { workflow: ApiWorkflow }): void {
    const askFirst = job.identity !== null;
    const identity = job.identity ?? this.deps.newIdentity();
    // The lane's service is passed so that an unassigned pool job is claimed for it in the same transaction.
    if (!this.deps.ledger.assignIdentity(job.id, identity, lane.serviceId)) return;
    const now = this.deps.clock.now();
    lane.noteSend(job.id, now);
    lane.follow(job.id, job.batchId, identity, now);
    this.deps.changed(job.id);
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
    const { ledger } = this.deps;
    lane.startSend(jobId);
    // Whether the service provably does not have the job: never sent before, or a lookup found nothing. Only then may
    // a pool job move to another member.
    let absent = how.lookup === undefined && !how.duplicatePossible;
    try {
      let duplicatePossible = how.duplicatePossible;
      if (how.lookup) {
        const remote = await how.lookup();
        if (this.adopt(lane, jobId, identity, remote)) return;
        duplicatePossible ||= remote.state === 'unknown' && !lane.target.lookupIsConclusive;
        // As recovery reads it: the queue edition proves absence only with `absent`; an Exclusive ComfyUI whose queue
        // and history both lack the prompt (read twice) does not have it.
        absent = remote.state === 'absent' || (remote.state === 'unknown' && lane.target.lookupIsConclusive);
      }
      // Closed, or settled meanwhile (its result came through the sink while it was looked up): nothing to send.
      const job = ledger.getJob(jobId);
      if (lane.closed || job?.state !== 'submitting') return;
      // A member drained or removed meanwhile sends none of its pool's jobs it does not already have.
      if (
        absent &&
        !ledger.pools((pools) => pools.isActiveMember(job.batchId, lane.serviceId)) &&
        this.backToPool(lane, jobId)
      )
        return;
      if (duplicatePossible && ledger.markDuplicatePossible(jobId))
        this.deps.changed(jobId, { duplicatePossible: true });
      const receipt = await lane.target.edition.submit({ jobId, identity, workflow: workflow() });
      this.accepted(lane, jobId, receipt);
    } catch (error) {
      // After close the job stays `submitting`: the next start looks it up before sending it again.
      if (lane.closed) return;
      if (absent && notDelivered(error) && this.backToPool(lane, jobId, classifyFailure(error))) return;
      this.sendFailed(lane, jobId, error);
    } finally {
      lane.endSend(jobId);
      this.pump(lane);
    }
  }

  /**
   * Gives a pool job the lane's service provably does not have back to its pool, for the other members. With the
   * failure that proved it, the lane stops first (so that it does not take the job straight back): a refused token
   * until the service is edited, a refused connection until it answers again or the pause ends.
   */
  private backToPool(lane: Lane, jobId: string, failure?: FailureVerdict): boolean {
    if (!this.deps.ledger.returnToPool(jobId, lane.serviceId)) return false;
    if (failure) lane.pause(failure.message, failure.auth ? 'token-refused' : 'service-unreachable');
    lane.forget(jobId);
    lane.endRetryBudget(jobId);
    this.deps.changed(jobId);
    this.deps.returnedToPool(jobId);
    return true;
  }

  private accepted(lane: Lane, jobId: string, receipt: SubmitReceipt): void {
    lane.accepted(jobId, this.deps.clock.now());
    if (this.deps.ledger.markQueued(jobId, receipt)) {
      this.deps.changed(jobId);
      return;
    }
    // Cancelled while the request was on its way: now that the service has it, take it back (through the lane that
    // replaced this one, if the service was edited meanwhile).
    const current = lane.closed ? this.deps.laneOf(lane.serviceId) : lane;
    if (current && this.deps.ledger.getJob(jobId)?.state === 'cancelled') {
      current.track(
        current
          .cancelRemote(receipt.identity, receipt)
          .then(() => undefined)
          .catch((error: unknown) => this.deps.logger.error('cancelling a job just sent failed', error)),
      );
    }
  }
}

/**
 * The request never reached the service's ComfyUI: the gateway refused the token (401/403), or nothing listened (a
 * refused connection). A timeout, a reset or a 5xx may come after the service took the job, so they are not.
 */
function notDelivered(error: unknown): boolean {
  const verdict = classifyFailure(error);
  return verdict.auth || verdict.coded?.code === 'service-connection-refused';
}

function givenUpParams(givenUp: { sends: number; seconds: number } | undefined): Record<string, number> {
  return givenUp ? { givenUpSends: givenUp.sends, givenUpSeconds: givenUp.seconds } : {};
}
