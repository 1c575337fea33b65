// Results and their images. A result is stored once per (service, identity): the unique key makes a redelivered sink
// frame or a second history poll a no-op, and the job's new state is written in the same transaction, so the caller
// may acknowledge the result (commit the sink frame) as soon as this returns.

import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { stringifyJson } from '../comfy/json-bigint';
import { describeWorkflow, type WorkflowSummary } from '../comfy/workflow-describe';
import type { EditionResult } from '../editions/edition';
import { resultState, jobStateSchema, type JobState } from './job-state';
import { JOB_WORKFLOW_COLUMNS, jobWorkflowOf, parseJsonColumn, parseRow } from './ledger-rows';

const outputFileSchema = z.object({
  node: z.string(),
  kind: z.string(),
  filename: z.string(),
  subfolder: z.string(),
  type: z.string(),
  format: z.string().optional(),
});

const resultRowSchema = z.object({
  id: z.number().int(),
  service_id: z.string(),
  identity: z.string(),
  job_id: z.string().nullable(),
  external: z.union([z.literal(0), z.literal(1)]),
  sink_index: z.number().int().nullable(),
  outputs: z.string(),
  error: z.string().nullable(),
  received_at: z.number().int(),
});

export interface ResultRecord {
  id: number;
  serviceId: string;
  identity: string;
  /** Null for an external result, or when its job's batch was removed. */
  jobId: string | null;
  external: boolean;
  sinkIndex: number | null;
  outputs: EditionResult['outputs'];
  error: string | null;
  receivedAt: number;
}

function toResultRecord(row: unknown): ResultRecord {
  const r = parseRow(resultRowSchema, row, 'result');
  return {
    id: r.id,
    serviceId: r.service_id,
    identity: r.identity,
    jobId: r.job_id,
    external: r.external === 1,
    sinkIndex: r.sink_index,
    outputs: parseRow(z.array(outputFileSchema), parseJsonColumn(r.outputs, 'result'), 'result'),
    error: r.error,
    receivedAt: r.received_at,
  };
}

export interface ResultQuery {
  serviceId?: string;
  external?: boolean;
  /** The id of the last result of the previous page (results come newest first). */
  beforeId?: number;
  limit: number;
}

export interface ResultDetails {
  /** The sink index the result came in (queue edition), kept for diagnosis. */
  sinkIndex?: number;
}

export interface RecordResultOutcome {
  /** False when this identity's result was stored before: nothing changed. */
  isNew: boolean;
  /** The job the result belongs to; null for an external result. */
  jobId: string | null;
  /** The job's state after the result (unchanged when the result did not move it). */
  state: JobState | null;
  external: boolean;
}

interface MatchedJob {
  id: string;
  state: JobState;
}

export class ResultTable {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  /** Stores a result for the job with this identity, or as external when no job has it. */
  record(serviceId: string, result: EditionResult, details: ResultDetails = {}): RecordResultOutcome {
    return this.db.transaction(() => {
      const row = this.db
        .prepare(
          `SELECT j.id AS id, j.state AS state, ${JOB_WORKFLOW_COLUMNS} FROM jobs j JOIN batches b ON b.id = j.batch_id
           WHERE j.service_id = ? AND j.identity = ?`,
        )
        .get(serviceId, result.identity) as { id: string; state: string } | undefined;
      if (row === undefined) return this.insertExternal(serviceId, result, details);
      const job: MatchedJob = { id: row.id, state: jobStateSchema.parse(row.state) };
      const resultId = this.insert(serviceId, result, job.id, false, details);
      if (resultId === undefined) return { isNew: false, jobId: job.id, state: job.state, external: false };
      const failed = result.error !== undefined;
      const next = resultState(job.state, failed);
      if (next !== null) {
        this.db
          .prepare(
            `UPDATE jobs SET state = ?, finished_at = ?, next_attempt_at = NULL, progress_value = NULL,
               progress_max = NULL, error_kind = ?, error_message = ?, error_code = NULL, error_params = NULL
             WHERE id = ?`,
          )
          .run(next, this.now(), failed ? 'service' : null, failed ? (result.error ?? null) : null, job.id);
      }
      if (result.texts && result.texts.length > 0) {
        this.db.prepare('UPDATE jobs SET texts = ? WHERE id = ?').run(JSON.stringify(result.texts), job.id);
      }
      this.insertImages(resultId, job.id, serviceId, result, summaryOf(row));
      return { isNew: true, jobId: job.id, state: next ?? job.state, external: false };
    })();
  }

  /** Stores a result whose identity this app did not create (another client of a shared sink). */
  recordExternal(serviceId: string, result: EditionResult, details: ResultDetails = {}): RecordResultOutcome {
    return this.db.transaction(() => this.insertExternal(serviceId, result, details))();
  }

  private insertExternal(serviceId: string, result: EditionResult, details: ResultDetails): RecordResultOutcome {
    const resultId = this.insert(serviceId, result, null, true, details);
    if (resultId !== undefined) this.insertImages(resultId, null, serviceId, result, undefined);
    return { isNew: resultId !== undefined, jobId: null, state: null, external: true };
  }

  /** The new row id, or undefined when this identity's result is already stored. */
  private insert(
    serviceId: string,
    result: EditionResult,
    jobId: string | null,
    external: boolean,
    details: ResultDetails,
  ): number | undefined {
    const info = this.db
      .prepare(
        `INSERT INTO results (service_id, identity, job_id, external, sink_index, outputs, error, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (service_id, identity) DO NOTHING`,
      )
      .run(
        serviceId,
        result.identity,
        jobId,
        external ? 1 : 0,
        details.sinkIndex ?? null,
        stringifyJson(result.outputs),
        result.error ?? null,
        this.now(),
      );
    return info.changes > 0 ? Number(info.lastInsertRowid) : undefined;
  }

  private insertImages(
    resultId: number,
    jobId: string | null,
    serviceId: string,
    result: EditionResult,
    summary: WorkflowSummary | undefined,
  ): void {
    const insert = this.db.prepare(
      `INSERT INTO images (result_id, job_id, service_id, node, kind, filename, subfolder, type, state,
         positive, negative, seed, model, created_at, kept)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)`,
    );
    const now = this.now();
    for (const file of result.outputs) {
      insert.run(
        resultId,
        jobId,
        serviceId,
        file.node,
        file.kind,
        file.filename,
        file.subfolder,
        file.type,
        summary?.positive ?? null,
        summary?.negative ?? null,
        summary?.seed ?? null,
        summary?.model ?? null,
        now,
        // A PreviewImage's file is the job's to show, not the Gallery's to keep, unless the artist keeps it.
        file.type === 'temp' ? 0 : 1,
      );
    }
  }

  resultsOfJob(jobId: string): ResultRecord[] {
    const rows: unknown[] = this.db.prepare('SELECT * FROM results WHERE job_id = ? ORDER BY id').all(jobId);
    return rows.map(toResultRecord);
  }

  /** Results newest first, a page at a time: external ones are shown, marked, beside the app's own. */
  page(query: ResultQuery): ResultRecord[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.serviceId !== undefined) {
      where.push('service_id = ?');
      params.push(query.serviceId);
    }
    if (query.external !== undefined) {
      where.push('external = ?');
      params.push(query.external ? 1 : 0);
    }
    if (query.beforeId !== undefined) {
      where.push('id < ?');
      params.push(query.beforeId);
    }
    const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    const rows: unknown[] = this.db
      .prepare(`SELECT * FROM results${filter} ORDER BY id DESC LIMIT ?`)
      .all(...params, query.limit);
    return rows.map(toResultRecord);
  }
}

/** Prompt fields stored beside each image for the gallery's search; a workflow that no longer parses gives none. */
function summaryOf(jobWorkflowRow: unknown): WorkflowSummary | undefined {
  try {
    return describeWorkflow(jobWorkflowOf(jobWorkflowRow));
  } catch {
    return undefined;
  }
}
