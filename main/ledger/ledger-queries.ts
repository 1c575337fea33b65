// Reading jobs: by id and identity, the next ones to send, the ones recovery must reconcile, and pages for the list.

import type { Database } from 'better-sqlite3';
import type { ApiWorkflow } from '../comfy/workflow-types';
import { NotFoundError } from '../errors';
import { REMOTE_STATES } from './job-state';
import { pageQuerySql, toPage, type JobPage, type PageJobsQuery } from './ledger-paging';
import { JOB_COLUMNS, JOB_WORKFLOW_COLUMNS, jobWorkflowOf, toJobRecord, type JobRecord } from './ledger-rows';

/**
 * A job ready to send: its record and the workflow to submit. When `identity` is already set the job was sent before
 * (a transient failure): ask the service whether it has that identity before sending it again, with the same one.
 */
export interface PendingJob extends JobRecord {
  workflow: ApiWorkflow;
}

const REMOTE_LIST = REMOTE_STATES.map((state) => `'${state}'`).join(', ');
const JOINED_COLUMNS = JOB_COLUMNS.split(', ')
  .map((column) => `j.${column}`)
  .join(', ');

export class JobQueries {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  get(jobId: string): JobRecord | undefined {
    const row: unknown = this.db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`).get(jobId);
    return row === undefined ? undefined : toJobRecord(row);
  }

  getOrThrow(jobId: string): JobRecord {
    const job = this.get(jobId);
    if (!job) throw new NotFoundError('This job is no longer in the ledger.').withCode('job-gone');
    return job;
  }

  byIdentity(serviceId: string, identity: string): JobRecord | undefined {
    const row: unknown = this.db
      .prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE service_id = ? AND identity = ?`)
      .get(serviceId, identity);
    return row === undefined ? undefined : toJobRecord(row);
  }

  /** The full workflow, also for a job stored as its patch of the batch's workflow. */
  workflow(jobId: string): ApiWorkflow {
    const row: unknown = this.db
      .prepare(`SELECT ${JOB_WORKFLOW_COLUMNS} FROM jobs j JOIN batches b ON b.id = j.batch_id WHERE j.id = ?`)
      .get(jobId);
    if (row === undefined) throw new NotFoundError('This job is no longer in the ledger.').withCode('job-gone');
    return jobWorkflowOf(row);
  }

  nextPending(serviceId: string, limit: number): PendingJob[] {
    const rows = this.db
      .prepare(
        `SELECT ${JOINED_COLUMNS}, ${JOB_WORKFLOW_COLUMNS}
         FROM jobs j JOIN batches b ON b.id = j.batch_id
         WHERE j.service_id = ? AND j.state = 'pending' AND b.paused = 0 AND b.filling_at IS NULL
           AND (j.next_attempt_at IS NULL OR j.next_attempt_at <= ?)
         ORDER BY j.seq, j.id LIMIT ?`,
      )
      .all(serviceId, this.now(), limit) as Record<string, unknown>[];
    return rows.map((row) => ({ ...toJobRecord(row), workflow: jobWorkflowOf(row) }));
  }

  nextRetryAt(serviceId: string): number | null {
    const row = this.db
      .prepare(
        `SELECT min(j.next_attempt_at) AS at FROM jobs j JOIN batches b ON b.id = j.batch_id
         WHERE j.service_id = ? AND j.state = 'pending' AND b.paused = 0 AND b.filling_at IS NULL
           AND j.next_attempt_at IS NOT NULL`,
      )
      .get(serviceId) as { at: number | null };
    return row.at;
  }

  /** Whether the service has a job waiting (pending, paused or not) or in hand: read from the index alone. */
  hasWork(serviceId: string): boolean {
    return (
      this.db
        .prepare(`SELECT 1 FROM jobs WHERE service_id = ? AND state IN ('pending', ${REMOTE_LIST}) LIMIT 1`)
        .get(serviceId) !== undefined
    );
  }

  countUnfinished(serviceId: string): number {
    const row = this.db
      .prepare(`SELECT count(*) AS n FROM jobs WHERE service_id = ? AND state IN (${REMOTE_LIST})`)
      .get(serviceId) as { n: number };
    return row.n;
  }

  unfinished(serviceId?: string): JobRecord[] {
    const where = `state IN (${REMOTE_LIST})` + (serviceId !== undefined ? ' AND service_id = ?' : '');
    const statement = this.db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE ${where} ORDER BY seq, id`);
    const rows: unknown[] = serviceId !== undefined ? statement.all(serviceId) : statement.all();
    return rows.map(toJobRecord);
  }

  page(query: PageJobsQuery): JobPage {
    const hidden = this.db.prepare('SELECT id FROM batches WHERE filling_at IS NOT NULL').pluck().all() as string[];
    const { sql, params, limit, order, empty } = pageQuerySql(query, hidden);
    if (empty) return { jobs: [], nextCursor: null };
    const rows: unknown[] = this.db.prepare(sql).all(...params);
    return toPage(rows.map(toJobRecord), limit, order);
  }
}
