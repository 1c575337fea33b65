// Batches and the creation of their jobs. A batch and all its jobs are one transaction with prepared statements, so
// 10,000 jobs take a fraction of a second and a crash leaves either the whole batch or none of it.

import type { Database } from 'better-sqlite3';
import { stringifyJson, type JsonValue } from '../comfy/json-bigint';
import { serializeWorkflow } from '../comfy/workflow-parse';
import type { ApiWorkflow, LiteralValue } from '../comfy/workflow-types';
import { BadRequestError, NotFoundError, ValidationError } from '../errors';
import { JOB_STATES, REMOTE_STATES, type JobState } from './job-state';
import { toBatchRecord, type BatchRecord } from './ledger-rows';

/** The gap between consecutive jobs' `seq`, so a job can be moved between two others with one UPDATE. */
export const SEQ_STEP = 1024;

const ACTIVE_LIST = REMOTE_STATES.map((state) => `'${state}'`).join(', ');

export interface NewJob {
  workflow: ApiWorkflow;
  /** What the job sets, `{"<node>.<input>": value}`: shown in the queue and searched in the gallery. */
  params: Readonly<Record<string, LiteralValue | JsonValue>>;
}

export interface NewBatch {
  serviceId: string;
  workflowId?: string | null;
  label: string;
  /** The batch spec as the artist wrote it (JSON; bigint allowed). */
  spec: unknown;
  jobs: readonly NewJob[];
}

export interface BatchSummary {
  batch: BatchRecord;
  counts: Record<JobState, number>;
}

export class BatchTable {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    private readonly newId: () => string,
  ) {}

  /** Stores a batch and its jobs, pending, in order, after every job already in the queue. */
  create(input: NewBatch): { batch: BatchRecord; jobIds: string[] } {
    if (input.jobs.length === 0) throw new ValidationError('A batch needs at least one job.');
    if (input.serviceId.trim() === '') throw new ValidationError('Choose the service to send this batch to.');
    return this.db.transaction(() => {
      if (input.workflowId != null && !this.db.prepare('SELECT 1 FROM workflows WHERE id = ?').get(input.workflowId)) {
        throw new NotFoundError('The workflow of this batch is no longer in the library. Pick it again, then queue.');
      }
      const batchId = this.newId();
      const now = this.now();
      this.db
        .prepare(
          `INSERT INTO batches (id, service_id, workflow_id, label, spec, total, paused, created_at)
           VALUES (?, ?, ?, ?, ?, ?, 0, ?)`,
        )
        .run(
          batchId,
          input.serviceId,
          input.workflowId ?? null,
          input.label.trim(),
          stringifyJson(input.spec),
          input.jobs.length,
          now,
        );
      const last = this.db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM jobs').get() as { seq: number };
      const insert = this.db.prepare(
        `INSERT INTO jobs (id, batch_id, service_id, seq, state, workflow, params, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
      );
      const jobIds = input.jobs.map((job, i) => {
        const id = this.newId();
        const seq = last.seq + (i + 1) * SEQ_STEP;
        insert.run(id, batchId, input.serviceId, seq, serializeWorkflow(job.workflow), stringifyJson(job.params), now);
        return id;
      });
      return { batch: this.getOrThrow(batchId), jobIds };
    })();
  }

  get(batchId: string): BatchRecord | undefined {
    const row: unknown = this.db.prepare('SELECT * FROM batches WHERE id = ?').get(batchId);
    return row === undefined ? undefined : toBatchRecord(row);
  }

  getOrThrow(batchId: string): BatchRecord {
    const batch = this.get(batchId);
    if (!batch) throw new NotFoundError('This batch is no longer in the ledger.');
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
    return { batch, counts };
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
      );
    }
    return this.db.prepare('DELETE FROM batches WHERE id = ?').run(batchId).changes > 0;
  }

  /** Batches newest first, a page at a time (keyset on creation time and id). */
  page(limit: number, before?: { createdAt: number; id: string }): BatchRecord[] {
    const rows: unknown[] = before
      ? this.db
          .prepare('SELECT * FROM batches WHERE (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?')
          .all(before.createdAt, before.id, limit)
      : this.db.prepare('SELECT * FROM batches ORDER BY created_at DESC, id DESC LIMIT ?').all(limit);
    return rows.map(toBatchRecord);
  }

  cancelPending(batchId: string): number {
    this.getOrThrow(batchId);
    return this.db
      .prepare(`UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE batch_id = ? AND state = 'pending'`)
      .run(this.now(), batchId).changes;
  }
}
