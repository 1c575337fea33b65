// Crash recovery (DESIGN.md rule 4): a child process running a 200-job batch is killed with SIGKILL three times
// mid-batch and restarted each time. In the end every job is finished, none is lost, the Exclusive service ran no
// prompt twice and the API edition received no task_id twice: a job caught in `submitting` is looked up by its
// identity first, and only one the service provably never received is sent again.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../main/ledger/ledger';
import { startSimulator, type Simulator } from '../sim/index';
import { countAcceptedPrompts, countPutTasks } from './support/accepted-prompts';
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

/** The batch's counts, and the jobs marked "a duplicate is possible". */
function finalState(file: string) {
  const ledger = Ledger.open(file);
  try {
    const batch = ledger.pageBatches(1)[0];
    if (!batch) throw new Error('no batch');
    const jobs = ledger.pageJobs({ filters: { batchId: batch.id }, limit: JOBS }).jobs;
    return { counts: ledger.batchSummary(batch.id).counts, marked: jobs.filter((job) => job.duplicatePossible) };
  } finally {
    ledger.close();
  }
}

/** Lines of output after which each of the three runs is killed: early, in the middle, late. */
const KILLS = [40, 120, 200];

async function killThreeTimes(file: string, settings: unknown): Promise<number> {
  let kills = 0;
  for (const after of KILLS) {
    if (await runChild(file, settings, after)) break;
    kills += 1;
  }
  return kills;
}

describe('recovery after SIGKILL', () => {
  it('finishes a 200-job Exclusive batch across three kills without running any prompt twice', async () => {
    sim = await startSimulator({ stepMs: 1 });
    const accepted = countAcceptedPrompts(sim);
    const file = join(dir, 'jobs.sqlite');
    const settings = settingsFor(sim, 'exclusive');
    expect(await killThreeTimes(file, settings)).toBe(3);
    expect(await runChild(file, settings)).toBe(true);

    expect(finalState(file).counts.succeeded).toBe(JOBS);
    expect(accepted.size).toBe(JOBS);
    expect([...accepted.values()].every((times) => times === 1)).toBe(true);
    expect(Object.keys(sim.exclusive.queue.history())).toHaveLength(JOBS);
  }, 120_000);

  it('finishes a 200-job queue-edition batch across three kills without putting any task_id twice', async () => {
    sim = await startSimulator({ redeliveryGraceMs: 100, stepMs: 1 });
    const puts = countPutTasks(sim);
    const file = join(dir, 'jobs.sqlite');
    const settings = settingsFor(sim, 'queue');
    expect(await killThreeTimes(file, settings)).toBe(3);
    expect(await runChild(file, settings)).toBe(true);

    const { counts, marked } = finalState(file);
    expect(counts.succeeded).toBe(JOBS);
    expect(puts.size).toBe(JOBS);
    expect([...puts.entries()].filter(([, times]) => times > 1)).toEqual([]);
    // Every lookup could tell: nothing was resent blind, so nothing carries the "may be duplicated" mark.
    expect(marked).toEqual([]);
  }, 120_000);
});
