// A pool's throughput against one service's: with the render time held constant (the simulator's sampler steps take
// a fixed time and each Exclusive ComfyUI renders one prompt at a time, as a GPU does), K members should finish a
// batch about K times as fast. Each member is a simulator in a process of its own, so K renderers really run side by
// side; the app is one Studio, as an artist's would be.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobChangeDto } from '../../preload/schemas/jobs';
import type { SimulatorOptions } from '../sim/index';
import { summarize, type BenchResult } from './bench-report';
import { startSimulatorProcess, type SimulatorProcess } from './sim-process';
import { benchStudio, call, starterWorkflowId } from './studio-rig';

export interface PoolBenchOptions {
  /** Pool sizes to measure; the first must be 1 (the baseline). */
  members: readonly number[];
  /** Jobs per member: a pool of K gets K times as many, so each run lasts about as long. */
  jobsPerMember: number;
  sim: Partial<SimulatorOptions>;
}

interface PoolRun {
  members: number;
  jobs: number;
  seconds: number;
  /** Succeeded jobs per member service, in the order the services were added. */
  shares: number[];
}

async function poolRun(members: number, jobs: number, sim: Partial<SimulatorOptions>): Promise<PoolRun> {
  const sims: SimulatorProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'artlab-bench-pool-'));
  const studio = benchStudio(dir);
  try {
    for (let n = 0; n < members; n++) sims.push(await startSimulatorProcess(sim));
    const serviceIds: string[] = [];
    for (const [n, member] of sims.entries()) {
      const service = await call(studio, 'services.create', {
        name: `bench member ${n + 1}`,
        url: member.info.exclusive.url,
        token: member.info.exclusive.token,
      });
      serviceIds.push(service.id);
    }
    const workflowId = await starterWorkflowId(studio);
    const succeeded = new Set<string>();
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const unsubscribe = studio.events.subscribe((event, payload) => {
      if (event !== 'jobs.changed') return;
      for (const change of (payload as { changes: JobChangeDto[] }).changes) {
        if (change.state === 'succeeded') succeeded.add(change.id);
      }
      if (succeeded.size >= jobs) finish();
    });
    try {
      const started = performance.now();
      const target = members === 1 ? { serviceId: serviceIds[0] ?? '' } : { serviceIds };
      const batch = await call(studio, 'batches.queue', {
        ...target,
        workflowId,
        spec: {
          prompts: ['a lighthouse at dusk'],
          seeds: { mode: 'increment', start: 1 },
          countPerPrompt: jobs,
          // Small images: the simulators' image encoding is CPU work on this machine, the GPU's time is the steps.
          set: { '5.width': 64, '5.height': 64 },
        },
        confirmLarge: true,
      });
      await done;
      const seconds = (performance.now() - started) / 1000;
      const page = await call(studio, 'jobs.page', { filters: { batchId: batch.id }, limit: 1000 });
      const shares = serviceIds.map((id) => page.jobs.filter((job) => job.serviceId === id).length);
      return { members, jobs, seconds, shares };
    } finally {
      unsubscribe();
    }
  } finally {
    await studio.close();
    await Promise.all(sims.map((member) => member.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function poolBench(options: PoolBenchOptions, report: (result: BenchResult) => void): Promise<void> {
  // Untimed: module loading, JIT and the first SQLite pages are start-up, not throughput.
  await poolRun(1, 5, options.sim);
  let baseline: number | undefined;
  for (const members of options.members) {
    const run = await poolRun(members, options.jobsPerMember * members, options.sim);
    const rate = run.jobs / run.seconds;
    baseline ??= rate;
    const notes = { jobs: run.jobs, seconds: run.seconds, shares: run.shares, simulator: options.sim };
    report(summarize(`pool.${members}.throughput`, 'jobs/s', [rate], null, notes));
    if (members === 1) continue;
    report(
      summarize(
        `pool.${members}.scaling`,
        'throughput ÷ (members × one member)',
        [rate / (members * baseline)],
        { kind: 'min', value: 0.9, on: 'median' },
        notes,
      ),
    );
  }
}
