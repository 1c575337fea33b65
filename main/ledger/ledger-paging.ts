// Keyset pagination over jobs: each page continues after the (seq, id) of the last row of the previous one, so a page
// costs the same at job 100,000 as at job 1 (OFFSET would scan every row before it) and rows added meanwhile do not
// shift the pages.

import { z } from 'zod';
import { BadRequestError } from '../errors';
import { jobStateSchema } from './job-state';
import { JOB_COLUMNS, type JobRecord } from './ledger-rows';

export const MAX_PAGE_SIZE = 1_000;

export const jobFiltersSchema = z.object({
  batchId: z.string().optional(),
  serviceId: z.string().optional(),
  /** Any of these states; an empty list matches nothing. */
  states: z.array(jobStateSchema).optional(),
  /** Created at or after (ms since the epoch). */
  createdFrom: z.number().optional(),
  /** Created before (ms since the epoch). */
  createdTo: z.number().optional(),
});
export type JobFilters = z.infer<typeof jobFiltersSchema>;

export const pageJobsQuerySchema = z.object({
  filters: jobFiltersSchema.optional(),
  /** From the previous page's `nextCursor`; omitted for the first page. */
  cursor: z.string().optional(),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  /** `queue`: the order jobs run in (default). `latest`: the reverse, newest first. */
  order: z.enum(['queue', 'latest']).optional(),
});
export type PageJobsQuery = z.infer<typeof pageJobsQuerySchema>;

export interface JobPage {
  jobs: JobRecord[];
  /** Null on the last page. */
  nextCursor: string | null;
}

const cursorSchema = z.object({ o: z.enum(['queue', 'latest']), s: z.number().int(), i: z.string() });
type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string, order: Cursor['o']): Cursor {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = cursorSchema.safeParse(raw);
  if (!parsed.success || parsed.data.o !== order) {
    throw new BadRequestError('The list position is not valid any more. Reload the job list from the top.').withCode(
      'job-list-position-stale',
    );
  }
  return parsed.data;
}

export interface PageQuerySql {
  sql: string;
  params: (string | number)[];
  limit: number;
  order: Cursor['o'];
  /** Set when the filters can match nothing (an empty state list). */
  empty: boolean;
}

/**
 * The SQL of one page. Each filter is a column the indexes in ledger-migrations.ts start with. `hiddenBatchIds`: the
 * batches still being written (see BatchTable.begin), whose jobs no page shows yet.
 */
export function pageQuerySql(query: PageJobsQuery, hiddenBatchIds: readonly string[] = []): PageQuerySql {
  const order = query.order ?? 'queue';
  const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 200)), MAX_PAGE_SIZE);
  const filters = query.filters ?? {};
  const where: string[] = [];
  const params: (string | number)[] = [];
  // A batch still being stored (or left half-stored by a crash) shows no job until it is whole. There is rarely one,
  // so the common page carries no such test on each row.
  if (hiddenBatchIds.length > 0) {
    where.push(`batch_id NOT IN (${hiddenBatchIds.map(() => '?').join(', ')})`);
    params.push(...hiddenBatchIds);
  }
  if (filters.batchId !== undefined) {
    where.push('batch_id = ?');
    params.push(filters.batchId);
  }
  if (filters.serviceId !== undefined) {
    where.push('service_id = ?');
    params.push(filters.serviceId);
  }
  const states = filters.states === undefined ? undefined : [...new Set(filters.states)];
  if (states !== undefined && states.length > 0) {
    where.push(`state IN (${states.map(() => '?').join(', ')})`);
    params.push(...states);
  }
  if (filters.createdFrom !== undefined) {
    where.push('created_at >= ?');
    params.push(filters.createdFrom);
  }
  if (filters.createdTo !== undefined) {
    where.push('created_at < ?');
    params.push(filters.createdTo);
  }
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor, order);
    where.push(order === 'queue' ? '(seq, id) > (?, ?)' : '(seq, id) < (?, ?)');
    params.push(cursor.s, cursor.i);
  }
  const direction = order === 'queue' ? 'ASC' : 'DESC';
  const sql =
    `SELECT ${JOB_COLUMNS} FROM jobs${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}` +
    ` ORDER BY seq ${direction}, id ${direction} LIMIT ?`;
  return { sql, params: [...params, limit + 1], limit, order, empty: states !== undefined && states.length === 0 };
}

/** The page from the rows of pageQuerySql() (which asks for one row more, to know whether another page follows). */
export function toPage(jobs: JobRecord[], limit: number, order: Cursor['o']): JobPage {
  if (jobs.length <= limit) return { jobs, nextCursor: null };
  const page = jobs.slice(0, limit);
  const last = page.at(-1);
  return { jobs: page, nextCursor: last ? encodeCursor({ o: order, s: last.seq, i: last.id }) : null };
}
