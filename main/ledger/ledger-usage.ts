// Running time of each service, for the cost estimate: spans of time with how many instances ran, and where the
// figure came from. 'lifecycle' spans come from the EAS control API's instance list; 'observed' spans are the app's
// own send→result times when no control is configured (a lower bound). The arithmetic lives in main/cost/.

import type { Database } from 'better-sqlite3';

export type UsageSource = 'lifecycle' | 'observed';

export interface UsageRow {
  fromMs: number;
  toMs: number;
  instances: number;
  source: UsageSource;
}

/** A job's time on its service: from its send to its result. */
export interface JobTimeRow {
  jobId: string;
  batchId: string;
  sendMs: number;
  resultMs: number;
  /** Images the job made (stored or being fetched; not the missing ones). */
  images: number;
}

/** Reads and writes service_usage (migration step 9). Callers wrap calls in the ledger's storage-error handling. */
export class UsageTable {
  constructor(private readonly db: Database) {}

  /** Stores spans of `serviceId`; empty and backwards spans are dropped. */
  record(serviceId: string, spans: readonly Omit<UsageRow, 'source'>[], source: UsageSource): void {
    const insert = this.db.prepare(
      'INSERT INTO service_usage (service_id, from_ms, to_ms, instances, source) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const s of spans) {
        if (!(s.toMs > s.fromMs) || !(s.instances > 0)) continue;
        insert.run(serviceId, Math.round(s.fromMs), Math.round(s.toMs), Math.round(s.instances), source);
      }
    })();
  }

  /** The spans of `serviceId` that touch [fromMs, toMs). */
  spans(serviceId: string, fromMs: number, toMs: number): UsageRow[] {
    const rows = this.db
      .prepare(
        `SELECT from_ms, to_ms, instances, source FROM service_usage
         WHERE service_id = ? AND from_ms < ? AND to_ms > ? ORDER BY from_ms`,
      )
      .all(serviceId, toMs, fromMs) as { from_ms: number; to_ms: number; instances: number; source: UsageSource }[];
    return rows.map((r) => ({ fromMs: r.from_ms, toMs: r.to_ms, instances: r.instances, source: r.source }));
  }

  /**
   * Every finished job of `serviceId` whose send→result touches [fromMs, toMs): the jobs that share its seconds. The
   * send is the last submission (submitted_at; started_at for a row without one), the result is finished_at.
   */
  jobTimes(serviceId: string, fromMs: number, toMs: number): JobTimeRow[] {
    const rows = this.db
      .prepare(
        `SELECT id, batch_id, COALESCE(submitted_at, started_at) AS sent_at, finished_at,
           (SELECT COUNT(*) FROM images WHERE images.job_id = jobs.id AND images.state != 'missing'
             AND images.type != 'temp') AS images
         FROM jobs
         WHERE service_id = ? AND COALESCE(submitted_at, started_at) IS NOT NULL AND finished_at IS NOT NULL
           AND COALESCE(submitted_at, started_at) < ? AND finished_at > ?`,
      )
      .all(serviceId, toMs, fromMs) as {
      id: string;
      batch_id: string;
      sent_at: number;
      finished_at: number;
      images: number;
    }[];
    return rows.map((r) => ({
      jobId: r.id,
      batchId: r.batch_id,
      sendMs: r.sent_at,
      resultMs: r.finished_at,
      images: r.images,
    }));
  }

  /** The batch's service and the time from its first send to its last result, or undefined before any result. */
  batchWindow(batchId: string): { serviceId: string; fromMs: number; toMs: number } | undefined {
    const row = this.db
      .prepare(
        `SELECT service_id, MIN(COALESCE(submitted_at, started_at)) AS from_ms, MAX(finished_at) AS to_ms FROM jobs
         WHERE batch_id = ? AND finished_at IS NOT NULL AND COALESCE(submitted_at, started_at) IS NOT NULL
         GROUP BY service_id`,
      )
      .get(batchId) as { service_id: string; from_ms: number; to_ms: number } | undefined;
    return row ? { serviceId: row.service_id, fromMs: row.from_ms, toMs: row.to_ms } : undefined;
  }
}
