// Queue order. Jobs are numbered with gaps (SEQ_STEP), so moving one between two others is a single UPDATE to the
// middle of the gap; only when a gap is used up are the later jobs shifted to open it again.

import type { Database } from 'better-sqlite3';
import { BadRequestError, NotFoundError } from '../errors';

interface OrderRow {
  seq: number;
  service_id: string;
  state: string;
}

function orderRow(db: Database, jobId: string): OrderRow {
  const row = db.prepare('SELECT seq, service_id, state FROM jobs WHERE id = ?').get(jobId) as OrderRow | undefined;
  if (!row) throw new NotFoundError('This job is no longer in the ledger.').withCode('job-gone');
  return row;
}

/** Run inside a transaction. Returns false when the job is no longer pending (it cannot move once sent). */
export function reorderJob(db: Database, jobId: string, beforeJobId: string | null, step: number): boolean {
  const job = orderRow(db, jobId);
  if (job.state !== 'pending') return false;
  if (beforeJobId === jobId) return true;
  let seq: number;
  if (beforeJobId === null) {
    const last = db.prepare('SELECT max(seq) AS seq FROM jobs').get() as { seq: number };
    seq = last.seq + step;
  } else {
    const before = orderRow(db, beforeJobId);
    if (before.service_id !== job.service_id) {
      throw new BadRequestError('A job can only be moved among the jobs of its own service.').withCode(
        'job-move-other-service',
      );
    }
    const previous = db
      .prepare('SELECT max(seq) AS seq FROM jobs WHERE seq < ? AND id != ?')
      .get(before.seq, jobId) as {
      seq: number | null;
    };
    if (previous.seq === null) seq = before.seq - step;
    else if (before.seq - previous.seq >= 2) seq = previous.seq + Math.floor((before.seq - previous.seq) / 2);
    else {
      // The gap is used up: shift this job's successor and everything after it to open a new one.
      db.prepare('UPDATE jobs SET seq = seq + ? WHERE seq >= ? AND id != ?').run(step, before.seq, jobId);
      seq = before.seq;
    }
  }
  db.prepare('UPDATE jobs SET seq = ? WHERE id = ?').run(seq, jobId);
  return true;
}
