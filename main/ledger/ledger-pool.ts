// Pool batches: one batch spread over several services (its members). Its jobs are stored unassigned, with
// service_id = 'pool:<batch id>', and a member claims one in the same IMMEDIATE transaction that writes the job's
// identity, just before the send (DESIGN.md rule 4): so a job belongs to at most one service at any moment, and a
// crash leaves every sent job on the member that has it. A job the member provably never received goes back to the
// pool with its identity cleared (its seed is in its patch, so the next member renders the same image).

import type { Database } from 'better-sqlite3';
import { BadRequestError, NotFoundError, ValidationError } from '../errors';
import type { CodedError } from './coded-error';
import { parseStoredParams } from './coded-error';
import { TRANSITIONS } from './job-state';
import type { JobQueries } from './ledger-queries';
import type { JobFailure } from './ledger-rows';

const POOL_PREFIX = 'pool:';

/** The service_id of a pool batch's jobs that no member has claimed yet (and of the pool batch itself). */
export function poolMarker(batchId: string): string {
  return `${POOL_PREFIX}${batchId}`;
}

export function isPoolMarker(serviceId: string): boolean {
  return serviceId.startsWith(POOL_PREFIX);
}

export type MemberState = 'active' | 'drained' | 'left';

/** What one service of a batch has done (ledger-pool.ts figures). */
export interface MemberFigures {
  serviceId: string;
  running: number;
  done: number;
  failed: number;
  /** Succeeded since the time asked about. */
  recent: number;
}

/** Why a member is not (or no longer) active: the English, and the same as a code the renderer words. */
export interface MemberReason {
  message: string;
  coded?: CodedError;
}

export interface NewMember {
  serviceId: string;
  /**
   * `left`: the service cannot run the batch (the reason says why); it is recorded and gets no work. `drained`: it
   * takes no work yet (its GPU is starting, the reason says so).
   */
  state: MemberState;
  reason?: MemberReason;
}

export interface BatchMember {
  serviceId: string;
  position: number;
  state: MemberState;
  reason: JobFailure | null;
  changedAt: number;
}

interface MemberRow {
  service_id: string;
  position: number;
  state: MemberState;
  reason: string | null;
  reason_code: string | null;
  reason_params: string | null;
  changed_at: number;
}

const inList = (states: readonly string[]): string => states.map((s) => `'${s}'`).join(', ');

/** Checks a pool's members before its batch is stored: distinct services, at least one that can run it. */
export function checkMembers(members: readonly NewMember[]): void {
  const ids = new Set(members.map((member) => member.serviceId));
  if (ids.size !== members.length || members.some((member) => member.serviceId.trim() === '')) {
    throw new ValidationError('Each service of a pool is named once.').withCode('batch-pool-duplicate');
  }
  if (members.every((member) => member.state === 'left')) {
    throw new ValidationError(
      'None of the services of this pool can run the batch. The reason for each is shown beside it.',
    ).withCode('batch-pool-no-member');
  }
}

export class PoolTable {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    private readonly queries: JobQueries,
  ) {}

  /** Records a new pool batch's members, in the transaction that stores the batch. */
  insertMembers(batchId: string, members: readonly NewMember[]): void {
    members.forEach((member, position) => this.insertMember(batchId, member, position));
  }

  private insertMember(batchId: string, member: NewMember, position: number): void {
    const { reason } = member;
    this.db
      .prepare(
        `INSERT INTO batch_members (batch_id, service_id, position, state, reason, reason_code, reason_params, changed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        batchId,
        member.serviceId,
        position,
        member.state,
        reason?.message ?? null,
        reason?.coded?.code ?? null,
        reason?.coded ? JSON.stringify(reason.coded.params) : null,
        this.now(),
      );
  }

  members(batchId: string): BatchMember[] {
    const rows = this.db
      .prepare('SELECT * FROM batch_members WHERE batch_id = ? ORDER BY position')
      .all(batchId) as MemberRow[];
    return rows.map((row) => ({
      serviceId: row.service_id,
      position: row.position,
      state: row.state,
      reason: memberReason(row),
      changedAt: row.changed_at,
    }));
  }

  /** Per service of a batch: jobs in hand, done, failed, and done since `since` (one pass on the batch's index). */
  figures(batchId: string, since: number): MemberFigures[] {
    const rows = this.db
      .prepare(
        `SELECT service_id,
                SUM(state IN ('submitting','queued','running')) AS running,
                SUM(state = 'succeeded') AS done,
                SUM(state IN ('failed','lost')) AS failed,
                SUM(state = 'succeeded' AND finished_at >= ?) AS recent
         FROM jobs WHERE batch_id = ? GROUP BY service_id`,
      )
      .all(since, batchId) as { service_id: string; running: number; done: number; failed: number; recent: number }[];
    return rows.map((row) => ({
      serviceId: row.service_id,
      running: row.running,
      done: row.done,
      failed: row.failed,
      recent: row.recent,
    }));
  }

  /**
   * Drains, reactivates or removes a member; returns whether it changed, and the jobs given back to the pool. Jobs it
   * sent stay with it; jobs pinned to it and not sent yet go back to the pool when it stops taking work (pinning is a
   * preference, not a reason to wait).
   */
  setMemberState(
    batchId: string,
    serviceId: string,
    state: MemberState,
    reason?: MemberReason,
  ): { changed: boolean; unpinned: string[] } {
    const write = this.db.transaction(() => {
      const changed = this.writeMemberState(batchId, serviceId, state, reason);
      return { changed, unpinned: changed && state !== 'active' ? this.unpinAll(batchId, serviceId) : [] };
    });
    return write.immediate();
  }

  /**
   * Adds a service to a batch that has not finished: a pool batch gains a member; a batch sent to one service becomes
   * a pool of that service and the new one, its jobs not sent yet going back to the pool (sent ones stay where they
   * are). A member that had left or was drained takes `member`'s state and reason. Under one write lock; returns the
   * jobs that went to the pool.
   */
  addMember(batchId: string, member: NewMember): string[] {
    const write = this.db.transaction((): string[] => {
      const batch = this.db.prepare('SELECT service_id FROM batches WHERE id = ?').get(batchId) as
        { service_id: string } | undefined;
      if (!batch) throw new NotFoundError('This batch is no longer in the ledger.').withCode('batch-gone');
      let shared: string[] = [];
      if (!isPoolMarker(batch.service_id)) {
        if (batch.service_id === member.serviceId) {
          throw new BadRequestError('This service already runs this batch.').withCode('pool-member-already');
        }
        // The batch's own service stays first, active, with every job it was sent.
        this.insertMembers(batchId, [{ serviceId: batch.service_id, state: 'active' }]);
        this.db.prepare('UPDATE batches SET service_id = ? WHERE id = ?').run(poolMarker(batchId), batchId);
        shared = this.unpinAll(batchId, batch.service_id);
      }
      const known = this.db
        .prepare('SELECT state FROM batch_members WHERE batch_id = ? AND service_id = ?')
        .pluck()
        .get(batchId, member.serviceId) as MemberState | undefined;
      if (known === 'active') {
        throw new BadRequestError('This service already runs this batch.').withCode('pool-member-already');
      }
      if (known !== undefined) {
        this.writeMemberState(batchId, member.serviceId, member.state, member.reason);
        return shared;
      }
      const position = this.db
        .prepare('SELECT coalesce(max(position) + 1, 0) FROM batch_members WHERE batch_id = ?')
        .pluck()
        .get(batchId) as number;
      this.insertMember(batchId, member, position);
      return shared;
    });
    return write.immediate();
  }

  /**
   * Pins a job not sent yet to one member of its pool (it is sent there, and only there, while that member takes
   * work), or with `serviceId` null gives it back to the pool. False when the job was sent meanwhile, or the service
   * is not an active member.
   */
  pin(jobId: string, serviceId: string | null): boolean {
    const job = this.queries.getOrThrow(jobId);
    if (serviceId !== null && !this.isActiveMember(job.batchId, serviceId)) return false;
    return (
      this.db
        .prepare(
          `UPDATE jobs SET service_id = coalesce(?, 'pool:' || batch_id)
           WHERE id = ? AND state = 'pending' AND identity IS NULL
             AND EXISTS (SELECT 1 FROM batch_members m WHERE m.batch_id = jobs.batch_id)`,
        )
        .run(serviceId, jobId).changes > 0
    );
  }

  /** Jobs pinned to a member and not sent yet go back to its pool; returns their ids. */
  private unpinAll(batchId: string, serviceId: string): string[] {
    return this.db
      .prepare(
        `UPDATE jobs SET service_id = 'pool:' || batch_id
         WHERE batch_id = ? AND service_id = ? AND state = 'pending' AND identity IS NULL RETURNING id`,
      )
      .pluck()
      .all(batchId, serviceId) as string[];
  }

  private writeMemberState(batchId: string, serviceId: string, state: MemberState, reason?: MemberReason): boolean {
    return (
      this.db
        .prepare(
          `UPDATE batch_members SET state = ?, reason = ?, reason_code = ?, reason_params = ?, changed_at = ?
           WHERE batch_id = ? AND service_id = ? AND (state != ? OR reason IS NOT ?)`,
        )
        .run(
          state,
          reason?.message ?? null,
          reason?.coded?.code ?? null,
          reason?.coded ? JSON.stringify(reason.coded.params) : null,
          this.now(),
          batchId,
          serviceId,
          state,
          reason?.message ?? null,
        ).changes > 0
    );
  }

  /** The pool batches the service takes work from now and that have unassigned jobs left, oldest first. */
  activeBatches(serviceId: string): string[] {
    // The EXISTS probe (on jobs_service_state) keeps finished pools, whose members stay `active`, out of every pump.
    return this.db
      .prepare(
        `SELECT m.batch_id FROM batch_members m JOIN batches b ON b.id = m.batch_id
         WHERE m.service_id = ? AND m.state = 'active'
           AND EXISTS (SELECT 1 FROM jobs j WHERE j.service_id = 'pool:' || m.batch_id AND j.state = 'pending')
         ORDER BY b.created_at, b.id`,
      )
      .pluck()
      .all(serviceId) as string[];
  }

  /** Whether the service takes new work of the batch now. */
  isActiveMember(batchId: string, serviceId: string): boolean {
    return (
      this.db
        .prepare(`SELECT 1 FROM batch_members WHERE batch_id = ? AND service_id = ? AND state = 'active'`)
        .get(batchId, serviceId) !== undefined
    );
  }

  /**
   * Writes the identity (and, for an unassigned pool job, the member that claims it) and moves the job to
   * `submitting`, under one write lock: see Ledger.assignIdentity. False when the job moved on, was claimed by another
   * member, or the claiming service is no longer an active member of its pool.
   */
  assign(jobId: string, identity: string, serviceId: string | undefined): boolean {
    const job = this.queries.getOrThrow(jobId);
    if (job.identity !== null && job.identity !== identity) {
      throw new BadRequestError(
        `Job ${jobId} was already sent as ${job.identity}; a retry must reuse that identity so the service can recognise it.`,
      );
    }
    let owner = job.serviceId;
    if (isPoolMarker(job.serviceId)) {
      if (serviceId === undefined || !this.isActiveMember(job.batchId, serviceId)) return false;
      owner = serviceId;
    } else if (serviceId !== undefined && serviceId !== job.serviceId) return false;
    const clash = this.db
      .prepare('SELECT id FROM jobs WHERE service_id = ? AND identity = ? AND id != ?')
      .get(owner, identity, jobId);
    if (clash !== undefined) throw new BadRequestError(`The identity ${identity} already belongs to another job.`);
    return (
      this.db
        .prepare(
          `UPDATE jobs SET state = 'submitting', service_id = ?, identity = ?, attempts = attempts + 1,
             submitted_at = ?, next_attempt_at = NULL
           WHERE id = ? AND service_id = ? AND state IN (${inList(TRANSITIONS.assignIdentity)})`,
        )
        .run(owner, identity, this.now(), jobId, job.serviceId).changes > 0
    );
  }

  /**
   * Gives a pool job back to its pool: call it only when `serviceId` provably never received it (the request was
   * refused before it reached the service, or a conclusive lookup found nothing). Its identity is cleared, so the
   * next member sends it under a fresh one; its patch (and so its seed) stays. False for a job of a batch that is not
   * a pool, or one that moved on (accepted, settled, cancelled) meanwhile.
   */
  returnToPool(jobId: string, serviceId: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE jobs SET service_id = 'pool:' || batch_id, state = 'pending', identity = NULL, queue_index = NULL,
             attempts = 0, submitted_at = NULL, started_at = NULL, next_attempt_at = NULL,
             progress_value = NULL, progress_max = NULL
           WHERE id = ? AND service_id = ? AND state IN ('pending', 'submitting')
             AND EXISTS (SELECT 1 FROM batch_members m WHERE m.batch_id = jobs.batch_id)`,
        )
        .run(jobId, serviceId).changes > 0
    );
  }
}

function memberReason(row: MemberRow): JobFailure | null {
  if (row.reason === null) return null;
  const params = row.reason_code === null ? undefined : parseStoredParams(row.reason_params);
  return row.reason_code !== null && params
    ? { kind: 'validation', message: row.reason, code: row.reason_code, params }
    : { kind: 'validation', message: row.reason };
}
