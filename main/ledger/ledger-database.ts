// Opening the ledger's SQLite file with the settings the ledger relies on.
//
// synchronous=FULL, not NORMAL: with WAL, NORMAL survives a crash of the app but may lose the last commits on a power
// cut or an OS crash. Two writes here are promises to the outside world — the identity stored before a request is
// sent, and the result stored before its sink frame is committed (after which the service forgets it) — so losing
// either would send an Exclusive job twice or lose an image. FULL costs one fsync of the WAL per transaction, and
// the ledger's transactions are few and batched (a batch is written 5,000 jobs per transaction; progress is coalesced).

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { withStorage } from './storage-errors';

/** How long a write waits for another connection's lock before failing as busy. */
export const BUSY_TIMEOUT_MS = 5_000;

/** Applies the ledger's connection settings to an open database (also used by tests that open it themselves). */
export function configureLedgerDatabase(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
}

/** Opens (creating the folder and file when needed) the database at `file`. Failures are StorageErrors. */
export function openLedgerDatabase(file: string): Database.Database {
  return withStorage(file, () => {
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      configureLedgerDatabase(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return db;
  });
}
