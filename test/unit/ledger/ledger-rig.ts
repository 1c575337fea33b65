// A ledger in a fresh temporary folder, with a clock the test moves and ids that read in order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { starterWorkflow } from '../../../main/comfy/starter';
import type { EditionResult } from '../../../main/editions/edition';
import { expandBatch } from '../../../main/batches/batch-expansion';
import Database from 'better-sqlite3';
import { Ledger, type LedgerOptions } from '../../../main/ledger/ledger';
import { toImageRecord, type ImageRecord } from '../../../main/ledger/ledger-rows';

export class TestClock {
  constructor(public time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
}

export interface LedgerRig {
  dir: string;
  file: string;
  clock: TestClock;
  ledger: Ledger;
  /** Closes the current ledger and opens the same file again, as a restart would. */
  reopen(): Ledger;
  /** The image rows a stored result added (the gallery owns the table; the ledger writes them with the result). */
  images(filter?: { jobId?: string; state?: ImageRecord['state'] }): ImageRecord[];
  /** A batch of `prompts.length` jobs from the starter workflow on `serviceId`. */
  queue(prompts: string[], serviceId?: string): { batchId: string; jobIds: string[] };
  cleanup(): void;
}

export function ledgerRig(options: Omit<LedgerOptions, 'clock' | 'newId'> = {}): LedgerRig {
  const dir = mkdtempSync(join(tmpdir(), 'artlab-ledger-'));
  const file = join(dir, 'data', 'ledger.sqlite');
  const clock = new TestClock();
  let counter = 0;
  const newId = (): string => `id-${String(++counter).padStart(6, '0')}`;
  const open = (): Ledger => Ledger.open(file, { ...options, clock, newId });
  const rig: LedgerRig = {
    dir,
    file,
    clock,
    ledger: open(),
    reopen() {
      rig.ledger.close();
      rig.ledger = open();
      return rig.ledger;
    },
    images(filter = {}) {
      const db = new Database(file, { readonly: true });
      try {
        const rows: unknown[] = db
          .prepare(`SELECT * FROM images WHERE (? IS NULL OR job_id = ?) AND (? IS NULL OR state = ?) ORDER BY id`)
          .all(filter.jobId ?? null, filter.jobId ?? null, filter.state ?? null, filter.state ?? null);
        return rows.map(toImageRecord);
      } finally {
        db.close();
      }
    },
    queue(prompts, serviceId = 'svc-a') {
      const workflow = starterWorkflow();
      const jobs = expandBatch(workflow, { prompts }).map((job) => ({ workflow: job.workflow, params: job.patch }));
      const { batch, jobIds } = rig.ledger.createBatch({ serviceId, label: 'test', spec: { prompts }, jobs });
      return { batchId: batch.id, jobIds };
    },
    cleanup() {
      rig.ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

export function result(identity: string, error?: string): EditionResult {
  return {
    identity,
    external: false,
    outputs: [{ node: '9', kind: 'images', filename: `${identity}_00001_.png`, subfolder: '', type: 'output' }],
    ...(error !== undefined ? { error, outputs: [] } : {}),
  };
}
