import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { starterWorkflow } from '../../../main/comfy/starter';
import { StorageError, ValidationError } from '../../../main/errors';
import { Ledger } from '../../../main/ledger/ledger';
import { openLedgerDatabase } from '../../../main/ledger/ledger-database';
import { toStorageError } from '../../../main/ledger/storage-errors';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-storage-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function caught(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('ledger storage failures', () => {
  it('reports a full disk as StorageError, keeps nothing of the failed batch, and still reads', () => {
    const file = join(dir, 'ledger.sqlite');
    const db = openLedgerDatabase(file);
    const ledger = new Ledger(db, { file });
    try {
      const small = ledger.createBatch({
        serviceId: 'svc-a',
        label: 'fits',
        spec: {},
        jobs: [{ workflow: starterWorkflow(), params: {} }],
      });
      // A database that may not grow any more behaves as a full disk: SQLite answers SQLITE_FULL.
      const pages = Number(db.pragma('page_count', { simple: true }));
      db.pragma(`max_page_count = ${pages + 2}`);
      const jobs = Array.from({ length: 2_000 }, () => ({ workflow: starterWorkflow(), params: {} }));
      const error = caught(() => ledger.createBatch({ serviceId: 'svc-a', label: 'too big', spec: {}, jobs }));
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).message).toMatch(/disk is full.*Free some space/);
      expect((error as StorageError).message).toContain(file);
      expect(ledger.pageJobs({}).jobs.map((job) => job.batchId)).toEqual([small.batch.id]);
    } finally {
      ledger.close();
    }
  });

  it('reports a database it may not write as StorageError that says to check the folder', () => {
    const file = join(dir, 'ledger.sqlite');
    const db = openLedgerDatabase(file);
    const ledger = new Ledger(db, { file });
    try {
      db.pragma('query_only = ON');
      const error = caught(() =>
        ledger.createBatch({
          serviceId: 's',
          label: 'x',
          spec: {},
          jobs: [{ workflow: starterWorkflow(), params: {} }],
        }),
      );
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).message).toMatch(/cannot write to the job database.*writable/);
    } finally {
      ledger.close();
    }
  });

  it('reports a damaged file as StorageError that says how to start over', () => {
    const file = join(dir, 'ledger.sqlite');
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    const error = caught(() => Ledger.open(file));
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).message).toMatch(/damaged.*move the file aside/);
  });

  it('reports a data folder that cannot exist as StorageError', () => {
    writeFileSync(join(dir, 'a-file'), '');
    expect(() => Ledger.open(join(dir, 'a-file', 'ledger.sqlite'))).toThrow(/cannot open the job database/);
  });

  it('reports a database another program holds locked as busy, once its wait runs out', () => {
    const file = join(dir, 'ledger.sqlite');
    const db = openLedgerDatabase(file);
    const ledger = new Ledger(db, { file });
    const other = new Database(file);
    try {
      db.pragma('busy_timeout = 0');
      other.exec('BEGIN IMMEDIATE');
      const error = caught(() =>
        ledger.createBatch({
          serviceId: 's',
          label: 'x',
          spec: {},
          jobs: [{ workflow: starterWorkflow(), params: {} }],
        }),
      );
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).message).toMatch(/in use by another program/);
    } finally {
      other.close();
      ledger.close();
    }
  });

  it('says how to fix a native engine built for another runtime', () => {
    const mismatch = caught(() => process.dlopen({ exports: {} }, join(dir, 'not-a-library.node')));
    expect(toStorageError(mismatch, 'ledger.sqlite')?.message).toMatch(/npm rebuild better-sqlite3/);
  });

  it('maps a file-system ENOSPC to the full-disk message', () => {
    const enospc = caught(() => writeFileSync('/dev/full', 'x'));
    expect(toStorageError(enospc, 'ledger.sqlite')?.message).toMatch(/disk is full/);
  });

  it('leaves errors that are not about storage alone', () => {
    expect(toStorageError(new Error('plain'), 'f')).toBeUndefined();
    expect(toStorageError(new ValidationError('bad'), 'f')).toBeUndefined();
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x UNIQUE)');
    db.exec('INSERT INTO t VALUES (1)');
    expect(
      toStorageError(
        caught(() => db.exec('INSERT INTO t VALUES (1)')),
        'f',
      ),
    ).toBeUndefined();
    db.close();
  });
});
