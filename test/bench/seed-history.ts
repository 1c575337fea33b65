// A data folder with a long history, written straight into the ledger the way years of use would leave it: batches of
// starter-workflow jobs (some finished with a result) and images already fetched into the gallery index. Seeding
// through the scheduler would take hours; the benchmarks measure reading this history, not writing it.
import { join } from 'node:path';
import { starterWorkflow } from '../../main/comfy/starter';
import { Ledger } from '../../main/ledger/ledger';
import { openLedgerDatabase } from '../../main/ledger/ledger-database';

const SUBJECTS = ['a red fox in the snow', 'portrait of an old sailor', '山水画 云雾 远山', 'A Lighthouse at DUSK'];
const BATCH_SIZE = 10_000;
const T0 = 1_700_000_000_000;

export const ledgerFile = (dataDir: string): string => join(dataDir, 'jobs.sqlite');

export interface SeedTimings {
  /** Milliseconds per batch insert of up to 10,000 jobs. */
  insertMs: number[];
  batchIds: string[];
}

/** `jobs` jobs on `serviceId`, in batches of 10,000; every job in the first batch succeeded with one image. */
export function seedJobs(file: string, serviceId: string, jobs: number): SeedTimings {
  let time = T0;
  const ledger = Ledger.open(file, { clock: { now: () => time } });
  const workflow = starterWorkflow();
  const timings: SeedTimings = { insertMs: [], batchIds: [] };
  try {
    for (let start = 0; start < jobs; start += BATCH_SIZE) {
      const count = Math.min(BATCH_SIZE, jobs - start);
      const batchJobs = Array.from({ length: count }, (_, n) => ({
        workflow,
        params: { '6.text': `${SUBJECTS[n % SUBJECTS.length] ?? ''}, detail ${start + n}`, '3.seed': start + n },
      }));
      const started = performance.now();
      const { batch } = ledger.createBatch({
        serviceId,
        label: `batch ${start / BATCH_SIZE}`,
        spec: {},
        jobs: batchJobs,
      });
      timings.insertMs.push(performance.now() - started);
      timings.batchIds.push(batch.id);
      time += 60_000;
    }
  } finally {
    ledger.close();
  }
  return timings;
}

/** `count` fetched images (with their results) in the gallery index of the ledger at `file`. */
export function seedImages(file: string, serviceId: string, count: number): void {
  const db = openLedgerDatabase(file);
  try {
    const insertResult = db.prepare(
      `INSERT INTO results (service_id, identity, job_id, external, outputs, received_at)
       VALUES (?, ?, NULL, 1, '[]', ?)`,
    );
    const insertImage = db.prepare(
      `INSERT INTO images (result_id, service_id, node, kind, filename, subfolder, type, state, positive, negative,
         seed, created_at, batch_id, workflow_id, favorite, external, listed_at, media)
       VALUES (?, ?, '9', 'images', ?, '', 'output', 'fetched', ?, ?, ?, ?, NULL, NULL, ?, 1, ?, 'image')`,
    );
    db.transaction(() => {
      for (let i = 1; i <= count; i++) {
        const created = T0 + i * 1000;
        const result = insertResult.run(serviceId, `bench-${i}`, created);
        insertImage.run(
          result.lastInsertRowid,
          serviceId,
          `ComfyUI_${String(i).padStart(5, '0')}_.png`,
          `${SUBJECTS[i % SUBJECTS.length] ?? ''}, detail ${i}`,
          i % 3 === 0 ? 'blurry, watermark' : null,
          String(i),
          created,
          i % 7 === 0 ? 1 : 0,
          created,
        );
      }
    })();
  } finally {
    db.close();
  }
}

/** Marks every pending job succeeded, as a finished history: the scheduler then has nothing to resume on start. */
export function finishHistory(file: string): void {
  const db = openLedgerDatabase(file);
  try {
    db.prepare(
      `UPDATE jobs SET state = 'succeeded', identity = 'history-' || id, attempts = 1,
         submitted_at = created_at + 1000, started_at = created_at + 2000, finished_at = created_at + 5000
       WHERE state = 'pending'`,
    ).run();
  } finally {
    db.close();
  }
}

/** A data folder's ledger with `jobs` finished jobs and `images` fetched images (the Studio benchmarks' history). */
export function seedHistory(dataDir: string, jobs: number, images: number): void {
  const file = ledgerFile(dataDir);
  seedJobs(file, 'svc-history', jobs);
  finishHistory(file);
  seedImages(file, 'svc-history', images);
}
