// Batches, and pool members, waiting for their service's GPU to start (main/lifecycle/start-holds.ts): written when
// the wait begins and removed when it ends, so that a restart takes the wait up again instead of leaving the batch
// paused (or the member drained) with nobody watching the start.

import type { Database } from 'better-sqlite3';

export interface StoredHold {
  batchId: string;
  serviceId: string;
  /** A pool member's wait (its batch goes on), or the whole batch's. */
  member: boolean;
  since: number;
}

/** Reads and writes start_holds (migration step 11). Callers wrap calls in the ledger's storage-error handling. */
export class HoldTable {
  constructor(private readonly db: Database) {}

  add(hold: StoredHold): void {
    this.db
      .prepare(
        `INSERT INTO start_holds (batch_id, service_id, member, since) VALUES (?, ?, ?, ?)
         ON CONFLICT (batch_id, service_id) DO UPDATE SET member = excluded.member, since = excluded.since`,
      )
      .run(hold.batchId, hold.serviceId, hold.member ? 1 : 0, hold.since);
  }

  /** Removes the batch's wait for `serviceId`, or every wait of the batch. */
  remove(batchId: string, serviceId?: string): void {
    if (serviceId === undefined) this.db.prepare('DELETE FROM start_holds WHERE batch_id = ?').run(batchId);
    else this.db.prepare('DELETE FROM start_holds WHERE batch_id = ? AND service_id = ?').run(batchId, serviceId);
  }

  /** Removes the batch's own wait, leaving its members'. */
  removeBatchHold(batchId: string): void {
    this.db.prepare('DELETE FROM start_holds WHERE batch_id = ? AND member = 0').run(batchId);
  }

  list(): StoredHold[] {
    const rows = this.db.prepare('SELECT * FROM start_holds ORDER BY since').all() as {
      batch_id: string;
      service_id: string;
      member: number;
      since: number;
    }[];
    return rows.map((row) => ({
      batchId: row.batch_id,
      serviceId: row.service_id,
      member: row.member === 1,
      since: row.since,
    }));
  }
}
