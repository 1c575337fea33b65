// The rows a batch's grid is built from: every job's state and patch with its first image and image count, read in
// one query so that a 1,000-job grid costs one statement, not one per job.
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { JsonValue } from '../comfy/json-bigint';
import { parseJsonColumn } from './ledger-rows';
import type { JobState } from './job-state';

export interface GridJobRow {
  jobId: string;
  state: JobState;
  /** The values the job was given, `{"<node>.<input>": value}`. */
  params: Record<string, JsonValue>;
  /** The job's first stored image (lowest id), or null while none is. */
  imageId: number | null;
  imageCount: number;
}

const rowSchema = z.object({
  id: z.string(),
  state: z.string(),
  params: z.string(),
  image_id: z.number().int().nullable(),
  image_count: z.number().int(),
});

export function readGridJobs(db: Database, batchId: string): GridJobRow[] {
  // The correlated subqueries ride the images(job_id) index; a GROUP BY join would sort every image of the batch.
  // A cell shows a kept image first, a PreviewImage output only when the job has nothing else.
  const rows = db
    .prepare(
      `SELECT j.id AS id, j.state AS state, j.params AS params,
         (SELECT i.id FROM images i WHERE i.job_id = j.id ORDER BY i.kept DESC, i.id LIMIT 1) AS image_id,
         (SELECT count(*) FROM images i WHERE i.job_id = j.id) AS image_count
       FROM jobs j WHERE j.batch_id = ? ORDER BY j.seq, j.id`,
    )
    .all(batchId);
  return rows.map((row) => {
    const r = rowSchema.parse(row);
    const params = parseJsonColumn(r.params, 'job params');
    const record = params !== null && typeof params === 'object' && !Array.isArray(params) ? params : {};
    return {
      jobId: r.id,
      state: r.state as JobState,
      params: record,
      imageId: r.image_id,
      imageCount: r.image_count,
    };
  });
}
