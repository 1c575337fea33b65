// A ledger in a fresh temporary folder, with a clock the test moves and ids that read in order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { starterWorkflow } from '../../../main/comfy/starter';
import type { EditionResult } from '../../../main/editions/edition';
import { expandBatch } from '../../../main/batches/batch-expansion';
import { Ledger, type LedgerOptions } from '../../../main/ledger/ledger';

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
