// Crash recovery (DESIGN.md rule 4): a child process running a 200-job batch is killed with SIGKILL at random points
// and restarted each time. In the end every job is finished, none is lost, and the Exclusive service ran no prompt
// twice.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../main/ledger/ledger';
import { startSimulator, type Simulator } from '../sim/index';
import { countAcceptedPrompts } from './support/accepted-prompts';
import { settingsFor } from '../unit/dispatch/scheduler-rig';

const child = fileURLToPath(new URL('../unit/dispatch/scheduler-crash-child.ts', import.meta.url));
const JOBS = 200;

let dir: string;
let sim: Simulator | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-recovery-'));
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the child; with `killAfter`, SIGKILLs it after that many lines. Resolves with whether it finished the batch. */
async function runChild(file: string, settings: unknown, killAfter?: number): Promise<boolean> {
  const process_ = spawn(process.execPath, ['--import', 'tsx', child, file, JSON.stringify(settings), String(JOBS)], {
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

function finalCounts(file: string) {
  const ledger = Ledger.open(file);
  try {
    const batch = ledger.pageBatches(1)[0];
    if (!batch) throw new Error('no batch');
    return ledger.batchSummary(batch.id).counts;
  } finally {
    ledger.close();
  }
}

describe('recovery after SIGKILL', () => {
  it('finishes a 200-job Exclusive batch across kills without running any prompt twice', async () => {
    sim = await startSimulator({ stepMs: 1 });
    const accepted = countAcceptedPrompts(sim);
    const file = join(dir, 'jobs.sqlite');
    const settings = settingsFor(sim, 'exclusive');
    let kills = 0;
    for (; kills < 4; kills++) {
      if (await runChild(file, settings, 20 + Math.floor(Math.random() * 150))) break;
    }
    expect(kills).toBeGreaterThanOrEqual(2);
    expect(await runChild(file, settings)).toBe(true);

    const counts = finalCounts(file);
    expect(counts.succeeded).toBe(JOBS);
    expect(accepted.size).toBe(JOBS);
    expect([...accepted.values()].every((times) => times === 1)).toBe(true);
    expect(Object.keys(sim.exclusive.queue.history())).toHaveLength(JOBS);
  }, 90_000);

  it('finishes a 200-job queue-edition batch across kills with nothing lost', async () => {
    sim = await startSimulator({ redeliveryGraceMs: 100, stepMs: 1 });
    const file = join(dir, 'jobs.sqlite');
    const settings = settingsFor(sim, 'queue');
    let kills = 0;
    for (; kills < 3; kills++) {
      if (await runChild(file, settings, 20 + Math.floor(Math.random() * 200))) break;
    }
    expect(kills).toBeGreaterThanOrEqual(2);
    expect(await runChild(file, settings)).toBe(true);
    expect(finalCounts(file).succeeded).toBe(JOBS);
  }, 90_000);
});
