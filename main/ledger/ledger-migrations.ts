// The ledger's schema, one numbered step per version, tracked in SQLite's `user_version`. Each step runs in a
// transaction with the version bump, so a failed step leaves the file at the version before it. Steps are only ever
// appended: a released step is never edited.

import type { Database } from 'better-sqlite3';
import { StorageError } from '../errors';

export interface LedgerMigration {
  version: number;
  description: string;
  up(db: Database): void;
}

const JOB_STATE_CHECK = `state IN ('pending','submitting','queued','running','succeeded','failed','cancelled','lost')`;

export const LEDGER_MIGRATIONS: readonly LedgerMigration[] = [
  {
    version: 1,
    description: 'workflows, batches, jobs, results, images',
    up(db) {
      db.exec(`
        CREATE TABLE workflows (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          json TEXT NOT NULL,
          source TEXT NOT NULL CHECK (source IN ('starter','import','png')),
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX workflows_name ON workflows(name, id);

        CREATE TABLE batches (
          id TEXT PRIMARY KEY,
          service_id TEXT NOT NULL,
          workflow_id TEXT REFERENCES workflows(id) ON DELETE SET NULL,
          label TEXT NOT NULL,
          spec TEXT NOT NULL,
          total INTEGER NOT NULL,
          paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
          created_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX batches_created ON batches(created_at, id);
        CREATE INDEX batches_workflow ON batches(workflow_id);

        -- seq orders the queue (gaps of 1024 leave room to move a job between two others).
        -- identity is the task_id / prompt_id, written before the request is sent.
        CREATE TABLE jobs (
          id TEXT PRIMARY KEY,
          batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
          service_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          state TEXT NOT NULL CHECK (${JOB_STATE_CHECK}),
          identity TEXT,
          workflow TEXT NOT NULL,
          params TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          error_kind TEXT,
          error_message TEXT,
          queue_index INTEGER,
          progress_value REAL,
          progress_max REAL,
          created_at INTEGER NOT NULL,
          submitted_at INTEGER,
          started_at INTEGER,
          finished_at INTEGER,
          next_attempt_at INTEGER
        ) STRICT;
        CREATE UNIQUE INDEX jobs_identity ON jobs(service_id, identity) WHERE identity IS NOT NULL;
        CREATE INDEX jobs_order ON jobs(seq, id);
        CREATE INDEX jobs_batch ON jobs(batch_id, seq, id);
        CREATE INDEX jobs_batch_state ON jobs(batch_id, state, seq, id);
        CREATE INDEX jobs_state ON jobs(state, seq, id);
        CREATE INDEX jobs_service ON jobs(service_id, seq, id);
        CREATE INDEX jobs_service_state ON jobs(service_id, state, seq, id);
        CREATE INDEX jobs_created ON jobs(created_at);

        -- One row per identity and service: a redelivered result finds its row and is not applied twice.
        CREATE TABLE results (
          id INTEGER PRIMARY KEY,
          service_id TEXT NOT NULL,
          identity TEXT NOT NULL,
          job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
          external INTEGER NOT NULL CHECK (external IN (0, 1)),
          sink_index INTEGER,
          outputs TEXT NOT NULL,
          error TEXT,
          received_at INTEGER NOT NULL,
          UNIQUE (service_id, identity)
        ) STRICT;
        CREATE INDEX results_job ON results(job_id);
        CREATE INDEX results_external ON results(service_id, external, received_at);

        CREATE TABLE images (
          id INTEGER PRIMARY KEY,
          result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
          job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
          service_id TEXT NOT NULL,
          node TEXT NOT NULL,
          kind TEXT NOT NULL,
          filename TEXT NOT NULL,
          subfolder TEXT NOT NULL,
          type TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('pending','fetched','missing')),
          error TEXT,
          sha256 TEXT,
          path TEXT,
          width INTEGER,
          height INTEGER,
          positive TEXT,
          negative TEXT,
          seed TEXT,
          model TEXT,
          created_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX images_result ON images(result_id);
        CREATE INDEX images_job ON images(job_id);
        CREATE INDEX images_state ON images(state, id);
        CREATE INDEX images_created ON images(created_at, id);
      `);
    },
  },
  {
    version: 2,
    description: 'gallery index: image metadata, favorites, removed copies, prompt search',
    up(db) {
      // listed_at: when the image entered the gallery (first fetched or found missing); pending rows are not listed.
      // removed: the artist deleted the local copy; the row and its parameters stay. path is relative to the data
      // folder. The search index is FTS5 with the trigram tokenizer: substring matches in any script (CJK prompts
      // have no spaces), kept in step with images by triggers.
      db.exec(`
        ALTER TABLE images ADD COLUMN batch_id TEXT;
        ALTER TABLE images ADD COLUMN workflow_id TEXT;
        ALTER TABLE images ADD COLUMN oss_key TEXT;
        ALTER TABLE images ADD COLUMN source TEXT CHECK (source IN ('edition','oss','import'));
        ALTER TABLE images ADD COLUMN size INTEGER;
        ALTER TABLE images ADD COLUMN mime TEXT;
        ALTER TABLE images ADD COLUMN media TEXT NOT NULL DEFAULT 'image' CHECK (media IN ('image','video'));
        ALTER TABLE images ADD COLUMN animated INTEGER NOT NULL DEFAULT 0 CHECK (animated IN (0, 1));
        ALTER TABLE images ADD COLUMN steps REAL;
        ALTER TABLE images ADD COLUMN cfg REAL;
        ALTER TABLE images ADD COLUMN sampler TEXT;
        ALTER TABLE images ADD COLUMN scheduler TEXT;
        ALTER TABLE images ADD COLUMN favorite INTEGER NOT NULL DEFAULT 0 CHECK (favorite IN (0, 1));
        ALTER TABLE images ADD COLUMN external INTEGER NOT NULL DEFAULT 0 CHECK (external IN (0, 1));
        ALTER TABLE images ADD COLUMN removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1));
        ALTER TABLE images ADD COLUMN listed_at INTEGER;
        UPDATE images SET external = 1 WHERE result_id IN (SELECT id FROM results WHERE external = 1);
        UPDATE images SET listed_at = created_at WHERE state != 'pending';
        UPDATE images SET batch_id = (SELECT batch_id FROM jobs WHERE jobs.id = images.job_id) WHERE job_id IS NOT NULL;

        CREATE INDEX images_listed ON images(removed, created_at, id) WHERE listed_at IS NOT NULL;
        CREATE INDEX images_listed_service ON images(service_id, removed, created_at, id) WHERE listed_at IS NOT NULL;
        CREATE INDEX images_listed_batch ON images(batch_id, created_at, id) WHERE listed_at IS NOT NULL;
        CREATE INDEX images_listed_workflow ON images(workflow_id, created_at, id) WHERE listed_at IS NOT NULL;
        CREATE INDEX images_listed_favorite ON images(created_at, id) WHERE listed_at IS NOT NULL AND favorite = 1;
        CREATE INDEX images_sha ON images(sha256) WHERE sha256 IS NOT NULL;
        CREATE INDEX images_oss_key ON images(service_id, oss_key) WHERE oss_key IS NOT NULL;

        CREATE VIRTUAL TABLE images_fts USING fts5(
          positive, negative, content='images', content_rowid='id', tokenize='trigram'
        );
        INSERT INTO images_fts(rowid, positive, negative) SELECT id, positive, negative FROM images;
        CREATE TRIGGER images_fts_insert AFTER INSERT ON images BEGIN
          INSERT INTO images_fts(rowid, positive, negative) VALUES (new.id, new.positive, new.negative);
        END;
        CREATE TRIGGER images_fts_delete AFTER DELETE ON images BEGIN
          INSERT INTO images_fts(images_fts, rowid, positive, negative)
            VALUES ('delete', old.id, old.positive, old.negative);
        END;
        CREATE TRIGGER images_fts_update AFTER UPDATE OF positive, negative ON images BEGIN
          INSERT INTO images_fts(images_fts, rowid, positive, negative)
            VALUES ('delete', old.id, old.positive, old.negative);
          INSERT INTO images_fts(rowid, positive, negative) VALUES (new.id, new.positive, new.negative);
        END;
      `);
    },
  },
  {
    version: 3,
    description: 'gallery filter indexes carry removed, so a filtered page is read in order without a scan',
    up(db) {
      // Every gallery page filters on removed; an index without it made SQLite walk images_listed and test each row.
      db.exec(`
        DROP INDEX images_listed_batch;
        DROP INDEX images_listed_workflow;
        DROP INDEX images_listed_favorite;
        CREATE INDEX images_listed_batch ON images(batch_id, removed, created_at, id) WHERE listed_at IS NOT NULL;
        CREATE INDEX images_listed_workflow ON images(workflow_id, removed, created_at, id) WHERE listed_at IS NOT NULL;
        CREATE INDEX images_listed_favorite ON images(favorite, removed, created_at, id) WHERE listed_at IS NOT NULL;
        CREATE INDEX images_listed_external ON images(external, removed, created_at, id) WHERE listed_at IS NOT NULL;
      `);
    },
  },
  {
    version: 4,
    description: 'jobs remember that a resend may have produced a duplicate image',
    up(db) {
      // The queue edition cannot tell whether a worker took a task before a crash; the flag outlives the restart.
      db.exec(
        `ALTER TABLE jobs ADD COLUMN duplicate_possible INTEGER NOT NULL DEFAULT 0 CHECK (duplicate_possible IN (0, 1));`,
      );
    },
  },
  {
    version: 5,
    description: 'a batch keeps its workflow once and each job its patch; a batch being written is hidden',
    up(db) {
      // workflow: what the batch's jobs patch (their params); NULL where every job holds its own copy, as all jobs
      // written before this step do (their jobs.workflow is read as before). A full copy per job was 1.9 kB of the
      // 2 kB a job took. filling_at: set while a large batch is written a chunk per transaction (the time of the last
      // chunk); the scheduler and the batch list skip it until it is NULL, and a stale one is a crashed write.
      db.exec(`
        ALTER TABLE batches ADD COLUMN workflow TEXT;
        ALTER TABLE batches ADD COLUMN filling_at INTEGER;
      `);
    },
  },
  {
    version: 6,
    description: 'the batches being written are found without reading every batch',
    up(db) {
      // Each page of jobs first asks which batches are still being written (rarely any): an index of those alone.
      db.exec('CREATE INDEX batches_filling ON batches(filling_at) WHERE filling_at IS NOT NULL;');
    },
  },
  {
    version: 7,
    description: "a service's next retry is found among the jobs waiting to retry, not by reading every pending job",
    up(db) {
      // The scheduler asks after every send and every result; without this it read each pending job of the service,
      // so a batch of n jobs cost n² row reads. Few jobs wait to retry at any time: an index of those alone.
      db.exec(
        `CREATE INDEX jobs_retry ON jobs(service_id, next_attempt_at) WHERE state = 'pending' AND next_attempt_at IS NOT NULL;`,
      );
    },
  },
  {
    version: 8,
    description: 'a failed job and a missing image keep their error as a code and params beside the English',
    up(db) {
      // error_params: JSON of the code's values. Rows written before this step have neither; the English stays.
      db.exec(`
        ALTER TABLE jobs ADD COLUMN error_code TEXT;
        ALTER TABLE jobs ADD COLUMN error_params TEXT;
        ALTER TABLE images ADD COLUMN error_code TEXT;
        ALTER TABLE images ADD COLUMN error_params TEXT;
      `);
    },
  },
  {
    version: 9,
    description: 'a batch may target a pool of services: its members, and jobs assigned only when they are sent',
    up(db) {
      // A pool batch's jobs start with service_id = 'pool:<batch id>' (unassigned) and take a member's id in the
      // transaction that writes their identity, so (service_id, state, seq) still finds a lane's work and
      // (service_id, identity) stays unique per service. state: active (takes work), drained (finishes what it
      // accepted, takes no more), left (left out when queued, or removed). The reason is a code and params with the
      // English beside it, as for jobs.
      db.exec(`
        CREATE TABLE batch_members (
          batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
          service_id TEXT NOT NULL,
          position INTEGER NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('active','drained','left')),
          reason TEXT,
          reason_code TEXT,
          reason_params TEXT,
          changed_at INTEGER NOT NULL,
          PRIMARY KEY (batch_id, service_id)
        ) STRICT;
        CREATE INDEX batch_members_service ON batch_members(service_id, state, batch_id);
      `);
    },
  },
  {
    version: 10,
    description: "each service's running time, for the cost estimate",
    up(db) {
      // One row per span of time with a constant instance count; source says whether the control API saw it
      // ('lifecycle') or the app inferred it from its own jobs ('observed', a lower bound).
      db.exec(`
        CREATE TABLE service_usage (
          service_id TEXT NOT NULL,
          from_ms INTEGER NOT NULL,
          to_ms INTEGER NOT NULL CHECK (to_ms > from_ms),
          instances INTEGER NOT NULL CHECK (instances > 0),
          source TEXT NOT NULL CHECK (source IN ('lifecycle','observed'))
        ) STRICT;
        CREATE INDEX service_usage_time ON service_usage(service_id, from_ms);
      `);
    },
  },
  {
    version: 11,
    description: 'batches (and pool members) waiting for their GPU to start, so the wait outlives a restart',
    up(db) {
      // service_id is the batch's own service for a held batch (member = 0) or the pool member waiting (member = 1).
      db.exec(`
        CREATE TABLE start_holds (
          batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
          service_id TEXT NOT NULL,
          member INTEGER NOT NULL CHECK (member IN (0, 1)),
          since INTEGER NOT NULL,
          PRIMARY KEY (batch_id, service_id)
        ) STRICT;
      `);
    },
  },
  {
    version: 12,
    description: 'the gallery keeps audio outputs (SaveAudio and its kin) beside images and videos',
    up(db) {
      // SQLite cannot change a CHECK constraint in place: the table is rebuilt from its own stored definition with
      // the wider one, rows copied as they are (same ids, so the search index stays right), and its indexes and
      // triggers made again from their stored SQL. The triggers go first, so the copy does not touch the index.
      const table = db
        .prepare<[], string>(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'images'`)
        .pluck()
        .get();
      const narrow = `CHECK (media IN ('image','video'))`;
      if (table === undefined || !table.includes(narrow)) throw new Error('images.media is not as schema 11 left it');
      const dependents = db
        .prepare<[], { type: string; name: string; sql: string }>(
          `SELECT type, name, sql FROM sqlite_schema
           WHERE tbl_name = 'images' AND type IN ('index', 'trigger') AND sql IS NOT NULL`,
        )
        .all();
      for (const { type, name } of dependents) if (type === 'trigger') db.exec(`DROP TRIGGER "${name}"`);
      const wider = table
        .replace(narrow, `CHECK (media IN ('image','video','audio'))`)
        .replace(/^CREATE TABLE "?images"?/, 'CREATE TABLE images_rebuilt');
      db.exec(wider);
      db.exec(`INSERT INTO images_rebuilt SELECT * FROM images`);
      db.exec(`DROP TABLE images`);
      db.exec(`ALTER TABLE images_rebuilt RENAME TO images`);
      for (const { sql } of dependents) db.exec(sql);
    },
  },
  {
    version: 13,
    description: 'jobs keep the texts their nodes showed (PreviewAny, ShowText…)',
    up(db) {
      db.exec(`ALTER TABLE jobs ADD COLUMN texts TEXT;`);
    },
  },
  {
    version: 14,
    description: 'PreviewImage (temp) outputs wait in the Queue until the artist keeps them',
    up(db) {
      // kept = 0: a `temp` output of a job, shown with its job in the Queue and not in the Gallery until kept; one
      // not kept is deleted a day later. Rows from before stay kept: they were in the Gallery already.
      db.exec(`
        ALTER TABLE images ADD COLUMN kept INTEGER NOT NULL DEFAULT 1 CHECK (kept IN (0, 1));
        CREATE INDEX images_unkept ON images(kept, created_at) WHERE kept = 0;
      `);
    },
  },
];

export const LEDGER_VERSION = LEDGER_MIGRATIONS.length;

export interface MigrationReport {
  from: number;
  to: number;
}

/** Brings the database up to the last step. Refuses a file written by a newer app (its schema is unknown here). */
export function migrateLedger(
  db: Database,
  migrations: readonly LedgerMigration[] = LEDGER_MIGRATIONS,
): MigrationReport {
  const from = Number(db.pragma('user_version', { simple: true }));
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new StorageError(
      `The job database was written by a newer version of ArtLab Desktop (schema ${from}; this version knows up to ${latest}). Update ArtLab Desktop to open it.`,
    ).withCode('ledger-newer-version', { schema: from, latest });
  }
  for (const step of migrations) {
    if (step.version <= from) continue;
    db.transaction(() => {
      step.up(db);
      // The version is in the file header, written in the same transaction as the step.
      db.pragma(`user_version = ${step.version}`);
    })();
  }
  return { from, to: Math.max(from, latest) };
}
