// A pool batch survives the app being killed (DESIGN.md rule 4): a child process running a 240-job batch over three
// services is killed with SIGKILL twice mid-batch and started again. Each restart resumes every sent job on the member
// the ledger recorded, and the members share what was never sent: no service ever accepts a job twice, and no job is
// accepted by two services.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../main/ledger/ledger';
import { MEMBERS, acceptancesByJob, startPoolSims, type PoolSims } from './support/pool-rig';

const child = fileURLToPath(new URL('./support/pool-child.ts', import.meta.url));
const JOBS = 240;

let dir: string;
let pool: PoolSims | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-pool-crash-'));
});
afterEach(async () => {
  await pool?.close();
  pool = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the child; with `killAfter`, SIGKILLs it after that many lines. Resolves with whether it finished the batch. */
async function runChild(file: string, settings: string, killAfter?: number): Promise<boolean> {
  const process_ = spawn(process.execPath, ['--import', 'tsx', child, file, settings, String(JOBS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => process_.once('exit', () => resolve()));
  let lines = 0;
  let done = false;
  for await (const line of createInterface({ input: process_.stdout })) {
    lines += 1;
    if (line === 'done') done = true;
    if (killAfter !== undefined && lines === killAfter && !done) process_.kill('SIGKILL');
  }
  await exited;
  return done;
}

describe('a pool batch after SIGKILL', () => {
  it('finishes across two kills with no job accepted twice or by two services', async () => {
    pool = await startPoolSims(1);
    const file = join(dir, 'jobs.sqlite');
    const settings = JSON.stringify(Object.fromEntries(pool.settings));
    // Early and in the middle: each kill catches jobs between their identity and the service's reply.
    for (const after of [150, 450]) expect(await runChild(file, settings, after)).toBe(false);
    expect(await runChild(file, settings)).toBe(true);

    const ledger = Ledger.open(file);
    try {
      const batch = ledger.pageBatches(1)[0];
      expect(ledger.batchSummary(batch?.id ?? '').counts.succeeded).toBe(JOBS);
      const byJob = acceptancesByJob(ledger, pool);
      expect([...byJob].filter(([, services]) => services.length !== 1)).toEqual([]);
      expect(byJob.size).toBe(JOBS);
      const share = Object.fromEntries(MEMBERS.map((member) => [member, pool?.accepted[member].size]));
      console.log('pool share after two kills', share);
    } finally {
      ledger.close();
    }
  }, 90_000);
});
