import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../../main/errors';
import { Ledger } from '../../../main/ledger/ledger';
import { openLedgerDatabase } from '../../../main/ledger/ledger-database';
import {
  LEDGER_MIGRATIONS,
  LEDGER_VERSION,
  migrateLedger,
  type LedgerMigration,
} from '../../../main/ledger/ledger-migrations';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-migrations-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function tables(db: Database.Database): string[] {
  const rows = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
    name: string;
  }[];
  return rows.map((row) => row.name);
}

describe('ledger migrations', () => {
  it('widens images.media to audio without losing a row, its search entry, an index or a trigger', () => {
    const db = openLedgerDatabase(join(dir, 'eleven.sqlite'));
    try {
      migrateLedger(db, LEDGER_MIGRATIONS.slice(0, 11));
      db.exec(`
        INSERT INTO results (id, service_id, identity, external, outputs, received_at) VALUES (1, 's', 'p1', 0, '{}', 1);
        INSERT INTO images (id, result_id, service_id, node, kind, filename, subfolder, type, state, positive,
                            created_at, media, listed_at)
          VALUES (7, 1, 's', '9', 'gifs', 'clip.mp4', '', 'output', 'fetched', 'a lighthouse at dusk', 1, 'video', 1);
      `);
      const schema = () =>
        db.prepare(`SELECT type, name FROM sqlite_schema WHERE tbl_name = 'images' ORDER BY type, name`).all();
      const before = schema();
      expect(() =>
        db.exec(`INSERT INTO images (result_id, service_id, node, kind, filename, subfolder, type, state, created_at,
                 media) VALUES (1, 's', '9', 'audio', 'a.flac', '', 'output', 'fetched', 2, 'audio')`),
      ).toThrow(/CHECK/);

      migrateLedger(db, LEDGER_MIGRATIONS.slice(0, 12));
      expect(schema()).toEqual(before);
      db.exec(`INSERT INTO images (result_id, service_id, node, kind, filename, subfolder, type, state, created_at,
               media, positive) VALUES (1, 's', '9', 'audio', 'a.flac', '', 'output', 'fetched', 2, 'audio', 'sea waves')`);
      expect(() =>
        db.exec(`INSERT INTO images (result_id, service_id, node, kind, filename, subfolder, type, state, created_at,
                 media) VALUES (1, 's', '9', 'x', 'a.txt', '', 'output', 'fetched', 2, 'text')`),
      ).toThrow(/CHECK/);
      const found = (text: string) =>
        db.prepare(`SELECT rowid FROM images_fts WHERE images_fts MATCH ?`).pluck().all(`"${text}"`);
      expect(found('lighthouse')).toEqual([7]);
      expect(found('waves')).toHaveLength(1);
      expect(db.prepare(`SELECT filename, media FROM images WHERE id = 7`).get()).toEqual({
        filename: 'clip.mp4',
        media: 'video',
      });
      // The image's result is still its parent: deleting it removes the image.
      db.exec(`DELETE FROM results WHERE id = 1`);
      expect(db.prepare(`SELECT count(*) FROM images`).pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('leaves the PreviewImage files stored before step 14 in the Gallery, and marks new ones not kept by default', () => {
    const db = openLedgerDatabase(join(dir, 'thirteen.sqlite'));
    try {
      migrateLedger(db, LEDGER_MIGRATIONS.slice(0, 13));
      db.exec(`
        INSERT INTO results (id, service_id, identity, external, outputs, received_at) VALUES (1, 's', 'p1', 0, '{}', 1);
        INSERT INTO images (id, result_id, service_id, node, kind, filename, subfolder, type, state, created_at)
          VALUES (3, 1, 's', '4', 'images', 'ComfyUI_temp_abcde_00001_.png', '', 'temp', 'fetched', 1);
      `);
      migrateLedger(db);
      expect(db.prepare(`SELECT kept FROM images WHERE id = 3`).pluck().get()).toBe(1);
      expect(() => db.exec(`UPDATE images SET kept = 2 WHERE id = 3`)).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });

  it('numbers its steps 1, 2, 3… so the version is the number of steps', () => {
    expect(LEDGER_MIGRATIONS.map((step) => step.version)).toEqual(
      Array.from({ length: LEDGER_VERSION }, (_, i) => i + 1),
    );
  });

  it('builds the whole schema in an empty file, with WAL, full sync and foreign keys', () => {
    const file = join(dir, 'new', 'ledger.sqlite');
    Ledger.open(file).close();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LEDGER_VERSION);
      // images_fts and its shadow tables: the gallery's prompt search (FTS5)
      expect(tables(db).filter((name) => !name.startsWith('images_fts_'))).toEqual([
        'batch_members',
        'batches',
        'images',
        'images_fts',
        'jobs',
        'results',
        'service_usage',
        'start_holds',
        'workflows',
      ]);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
    const live = openLedgerDatabase(file);
    try {
      expect(live.pragma('synchronous', { simple: true })).toBe(2);
      expect(live.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      live.close();
    }
  });

  it('runs nothing when a current file is opened again, and keeps its data', () => {
    const file = join(dir, 'ledger.sqlite');
    const first = Ledger.open(file);
    first.createBatch({
      serviceId: 's',
      label: 'kept',
      spec: {},
      jobs: [{ workflow: { '1': { class_type: 'X', inputs: {} } }, params: {} }],
    });
    first.close();
    const db = openLedgerDatabase(file);
    try {
      expect(migrateLedger(db)).toEqual({ from: LEDGER_VERSION, to: LEDGER_VERSION });
    } finally {
      db.close();
    }
    const again = Ledger.open(file);
    expect(again.pageBatches(10).map((batch) => batch.label)).toEqual(['kept']);
    again.close();
  });

  it('runs only the steps a file lacks, in order', () => {
    const db = openLedgerDatabase(join(dir, 'steps.sqlite'));
    const ran: number[] = [];
    const step = (version: number): LedgerMigration => ({
      version,
      description: `step ${version}`,
      up(target) {
        ran.push(version);
        target.exec(`CREATE TABLE t${version} (x INTEGER)`);
      },
    });
    try {
      expect(migrateLedger(db, [step(1)])).toEqual({ from: 0, to: 1 });
      expect(migrateLedger(db, [step(1), step(2), step(3)])).toEqual({ from: 1, to: 3 });
      expect(ran).toEqual([1, 2, 3]);
    } finally {
      db.close();
    }
  });

  it('leaves the file at the version before a step that fails, without half of that step', () => {
    const db = openLedgerDatabase(join(dir, 'failing.sqlite'));
    const failing: LedgerMigration = {
      version: 2,
      description: 'fails halfway',
      up(target) {
        target.exec('CREATE TABLE half (x INTEGER)');
        throw new Error('step 2 broke');
      },
    };
    const first: LedgerMigration = {
      version: 1,
      description: 'ok',
      up: (target) => target.exec('CREATE TABLE ok (x)'),
    };
    try {
      expect(() => migrateLedger(db, [first, failing])).toThrow('step 2 broke');
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(tables(db)).toEqual(['ok']);
    } finally {
      db.close();
    }
  });

  it('refuses a file written by a newer version, and leaves it untouched', () => {
    const file = join(dir, 'newer.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${LEDGER_VERSION + 1}`);
    db.close();
    expect(() => Ledger.open(file)).toThrow(StorageError);
    expect(() => Ledger.open(file)).toThrow(/newer version of ArtLab Desktop/);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(LEDGER_VERSION + 1);
    expect(tables(after)).toEqual([]);
    after.close();
  });
});
