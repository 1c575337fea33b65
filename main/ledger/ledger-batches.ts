// Batches and the creation of their jobs. Jobs are written a chunk per transaction with prepared statements; the
// batch stays hidden (`filling_at` set: the scheduler and the batch list skip it) until its last job is written, so
// a crash mid-way leaves nothing queued, and the next batch created removes what the crash left.

import type { Database } from 'better-sqlite3';
import { stringifyJson, type JsonValue } from '../comfy/json-bigint';
import { serializeWorkflow } from '../comfy/workflow-parse';
import type { ApiWorkflow, LiteralValue } from '../comfy/workflow-types';
import { BadRequestError, NotFoundError, ValidationError } from '../errors';
import { JOB_STATES, REMOTE_STATES, type JobState } from './job-state';
import { checkMembers, poolMarker, type BatchMember, type NewMember, type PoolTable } from './ledger-pool';
import { PATCHED_JOB_WORKFLOW, toBatchRecord, type BatchRecord } from './ledger-rows';

/** The gap between consecutive jobs' `seq`, so a job can be moved between two others with one UPDATE. */
export const SEQ_STEP = 1024;

/**
 * Jobs written per transaction: the expanded jobs never pile up in memory (5,000 patches are about 1 MB), and another
 * connection (the CLI on the same file) waits for one chunk, not for the whole batch. Each commit is synced and
 * rewrites the index pages it touched, so smaller chunks cost time: 100,000 jobs took 36 s in chunks of 1,000, 19 s in
 * chunks of 5,000 and 13 s in one transaction on the same (busy) machine.
 */
export const JOBS_PER_TRANSACTION = 5_000;

/**
 * A hidden batch whose last chunk is older than this was being written by a process that died. A live writer writes
 * a chunk every few milliseconds, so this only has to outlast a stall of the machine.
 */
export const ABANDONED_FILLING_MS = 10 * 60_000;

const ACTIVE_LIST = REMOTE_STATES.map((state) => `'${state}'`).join(', ');

export interface NewJob {
  workflow: ApiWorkflow;
  /** What the job sets, `{"<node>.<input>": value}`: shown in the queue and searched in the gallery. */
  params: Readonly<Record<string, LiteralValue | JsonValue>>;
}

interface NewBatchHeader {
  /** The service the batch goes to; ignored for a pool batch (its jobs are unassigned until a member sends them). */
  serviceId: string;
  /** A pool batch: the services that share its jobs (two or more), those that cannot run it recorded as `left`. */
  members?: readonly NewMember[];
  workflowId?: string | null;
  label: string;
  /** The batch spec as the artist wrote it (JSON; bigint allowed). */
  spec: unknown;
}

/** Every job with a workflow of its own. */
export interface NewBatchOfWorkflows extends NewBatchHeader {
  jobs: readonly NewJob[];
}

/**
 * One workflow and, per job, the literal values it sets on it: stored as the workflow once and a patch per job, and
 * read back as the patched workflow. `patches` is consumed once, in order; a generator keeps a batch of 100,000 jobs
 * out of memory. An error it throws (at its first job, for an expansion that checks the spec first) stores nothing.
 */
export interface NewBatchOfPatches extends NewBatchHeader {
  workflow: ApiWorkflow;
  patches: Iterable<Readonly<Record<string, LiteralValue>>>;
}

export type NewBatch = NewBatchOfWorkflows | NewBatchOfPatches;

export interface BatchSummary {
  batch: BatchRecord;
  counts: Record<JobState, number>;
  /** A pool batch's services; absent for a batch sent to one. */
  members?: BatchMember[];
}

interface StoredJob {
  workflow: string;
  params: string;
}

function* storedJobs(input: NewBatch): Generator<StoredJob> {
  if ('patches' in input) {
    for (const patch of input.patches) yield { workflow: PATCHED_JOB_WORKFLOW, params: stringifyJson(patch) };
  } else {
    for (const job of input.jobs)
      yield { workflow: serializeWorkflow(job.workflow), params: stringifyJson(job.params) };
  }
}

/** A batch being stored a chunk at a time: see BatchTable.begin. */
export interface BatchFill {
  /** Writes the next chunk of jobs in one transaction; true while jobs remain. */
  writeChunk(): boolean;
  /** Shows the finished batch to the scheduler and the lists. */
  finish(): { batch: BatchRecord; jobIds: string[] };
  /** Removes the half-stored batch (after an error); what cannot be removed now goes with the next batch. */
  discard(): void;
}

export class BatchTable {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    private readonly newId: () => string,
    private readonly pool: PoolTable,
  ) {}

  /** Stores a batch and its jobs, pending, in order, after every job already in the queue. */
  create(input: NewBatch): { batch: BatchRecord; jobIds: string[] } {
    const fill = this.begin(input);
    try {
      while (fill.writeChunk());
      return fill.finish();
    } catch (error) {
      fill.discard();
      throw error;
    }
  }

  /**
   * Starts storing a batch a chunk at a time: the caller drives `writeChunk()` (true while jobs remain), may yield to
   * its event loop between chunks, then calls `finish()`, or `discard()` on any error. Until finished the batch is
   * hidden (`filling_at`), so neither the scheduler nor the lists see part of it. Each chunk takes the places after
   * every job stored before it.
   */
  begin(input: NewBatch): BatchFill {
    if (input.members) checkMembers(input.members);
    else if (input.serviceId.trim() === '')
      throw new ValidationError('Choose the service to send this batch to.').withCode('batch-service-missing');
    const jobs = storedJobs(input);
    let next = jobs.next();
    if (next.done === true) throw new ValidationError('A batch needs at least one job.').withCode('batch-empty');
    const batchId = this.newId();
    const serviceId = input.members ? poolMarker(batchId) : input.serviceId;
    this.db.transaction(() => {
      const now = this.now();
      this.db
        .prepare('DELETE FROM batches WHERE filling_at IS NOT NULL AND filling_at < ?')
        .run(now - ABANDONED_FILLING_MS);
      if (input.workflowId != null && !this.db.prepare('SELECT 1 FROM workflows WHERE id = ?').get(input.workflowId)) {
        throw new NotFoundError(
          'The workflow of this batch is no longer in the library. Pick it again, then queue.',
        ).withCode('batch-workflow-gone');
      }
      this.db
        .prepare(
          `INSERT INTO batches (id, service_id, workflow_id, label, spec, total, paused, created_at, workflow, filling_at)
           VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?, ?)`,
        )
        .run(
          batchId,
          serviceId,
          input.workflowId ?? null,
          input.label.trim(),
          stringifyJson(input.spec),
          now,
          'patches' in input ? serializeWorkflow(input.workflow) : null,
          now,
        );
      if (input.members) this.pool.insertMembers(batchId, input.members);
    })();
    const insert = this.db.prepare(
      `INSERT INTO jobs (id, batch_id, service_id, seq, state, workflow, params, created_at)
       VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
    );
    const touch = this.db.prepare('UPDATE batches SET filling_at = ? WHERE id = ?');
    const lastSeq = this.db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM jobs');
    const jobIds: string[] = [];
    const writeChunk = this.db.transaction(() => {
      const now = this.now();
      // Read per chunk, inside its transaction: whatever was queued between two chunks (a batch stored whole, another
      // process) keeps its places, and no two jobs share one.
      const { seq: base } = lastSeq.get() as { seq: number };
      for (let n = 0; n < JOBS_PER_TRANSACTION && !next.done; n++) {
        const id = this.newId();
        insert.run(id, batchId, serviceId, base + (n + 1) * SEQ_STEP, next.value.workflow, next.value.params, now);
        jobIds.push(id);
        next = jobs.next();
      }
      touch.run(now, batchId);
    });
    // A function, not `next.done` inline: the chunk's transaction advances the iterator.
    const more = (): boolean => next.done !== true;
    return {
      writeChunk: () => {
        if (!more()) return false;
        writeChunk();
        return more();
      },
      finish: () => {
        this.db.prepare('UPDATE batches SET total = ?, filling_at = NULL WHERE id = ?').run(jobIds.length, batchId);
        return { batch: this.getOrThrow(batchId), jobIds };
      },
      discard: () => this.discard(batchId),
    };
  }

  /** Removes a batch that failed half-way; what cannot be removed now stays hidden and goes with the next batch. */
  private discard(batchId: string): void {
    try {
      this.db.prepare('DELETE FROM batches WHERE id = ?').run(batchId);
    } catch {
      // The original error is the one to report; the hidden batch is swept once it is stale.
    }
  }

  get(batchId: string): BatchRecord | undefined {
    const row: unknown = this.db.prepare('SELECT * FROM batches WHERE id = ?').get(batchId);
    return row === undefined ? undefined : toBatchRecord(row);
  }

  getOrThrow(batchId: string): BatchRecord {
    const batch = this.get(batchId);
    if (!batch) throw new NotFoundError('This batch is no longer in the ledger.').withCode('batch-gone');
    return batch;
  }

  /** Returns whether the flag changed. */
  setPaused(batchId: string, paused: boolean): boolean {
    this.getOrThrow(batchId);
    const flag = paused ? 1 : 0;
    return (
      this.db.prepare('UPDATE batches SET paused = ? WHERE id = ? AND paused != ?').run(flag, batchId, flag).changes > 0
    );
  }

  summary(batchId: string): BatchSummary {
    const batch = this.getOrThrow(batchId);
    const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
    const rows = this.db
      .prepare('SELECT state, count(*) AS n FROM jobs WHERE batch_id = ? GROUP BY state')
      .all(batchId) as { state: JobState; n: number }[];
    for (const row of rows) counts[row.state] = row.n;
    const members = this.pool.members(batchId);
    return members.length > 0 ? { batch, counts, members } : { batch, counts };
  }

  /**
   * Removes a batch and its jobs from the queue list. Refused while a job of it is with the service (cancel those
   * first). Its results and images stay, for the gallery; they only lose the link to their job.
   */
  delete(batchId: string): boolean {
    if (!this.get(batchId)) return false;
    const active = this.db
      .prepare(`SELECT count(*) AS n FROM jobs WHERE batch_id = ? AND state IN (${ACTIVE_LIST})`)
      .get(batchId) as { n: number };
    if (active.n > 0) {
      throw new BadRequestError(
        `${active.n} job(s) of this batch are still with the service. Cancel them or wait for them, then remove the batch.`,
      ).withCode('batch-jobs-active', { active: active.n });
    }
    return this.db.prepare('DELETE FROM batches WHERE id = ?').run(batchId).changes > 0;
  }

  /** Batches newest first, a page at a time (keyset on creation time and id). */
  page(limit: number, before?: { createdAt: number; id: string }): BatchRecord[] {
    const rows: unknown[] = before
      ? this.db
          .prepare(
            `SELECT * FROM batches WHERE filling_at IS NULL AND (created_at, id) < (?, ?)
             ORDER BY created_at DESC, id DESC LIMIT ?`,
          )
          .all(before.createdAt, before.id, limit)
      : this.db
          .prepare('SELECT * FROM batches WHERE filling_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ?')
          .all(limit);
    return rows.map(toBatchRecord);
  }

  cancelPending(batchId: string): number {
    this.getOrThrow(batchId);
    return this.db
      .prepare(`UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE batch_id = ? AND state = 'pending'`)
      .run(this.now(), batchId).changes;
  }
}
