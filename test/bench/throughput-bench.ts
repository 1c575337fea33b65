// Batch throughput on both editions, the Studio against the vendor's sample flow on the same simulator, and the
// API edition's result latency: the sink frame handed to the watcher → result stored → `jobs.changed` emitted.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobChangeDto } from '../../preload/schemas/jobs';
import type { GalleryImage } from '../../preload/schemas/gallery';
import starterJson from '../../main/comfy/starter-workflow.json';
import type { SimulatorOptions } from '../sim/index';
import { summarize, type BenchResult } from './bench-report';
import { referenceExclusiveFlow, referenceQueueFlow, type ReferenceRun } from './reference-flow';
import { startSimulatorProcess, wallClock } from './sim-process';
import type { StudioAdapters } from '../../main/studio';
import { addSimulatorServices, benchStudio, call, starterWorkflowId } from './studio-rig';

export type Edition = 'queue' | 'exclusive';

export interface AppRun {
  jobs: number;
  totalMs: number;
  images: number;
  /** API edition: per job, frame put on the sink → result stored, and → `jobs.changed` with the job succeeded. */
  storedMs: number[];
  eventMs: number[];
}

const SUBJECTS = ['a red fox in the snow', 'portrait of an old sailor', 'a lighthouse at dusk', 'a bowl of lemons'];
const promptList = (count: number): string[] =>
  Array.from({ length: count }, (_, n) => `${SUBJECTS[n % SUBJECTS.length] ?? ''}, study ${n}`);

/** Submit → every image fetched into the gallery (cached, thumbnailed, indexed), through the contract. */
async function appFlow(
  simOptions: Partial<SimulatorOptions>,
  edition: Edition,
  jobs: number,
  size: number,
  tuning?: StudioAdapters['dispatch'],
): Promise<AppRun> {
  const sim = await startSimulatorProcess(simOptions);
  const dir = mkdtempSync(join(tmpdir(), 'artlab-bench-app-'));
  const studio = benchStudio(dir, tuning);
  const sentAt = new Map<string, number>();
  const storedMs: number[] = [];
  const eventMs: number[] = [];
  const stopProbe = sim.onSinkPut((taskId, at) => sentAt.set(taskId, at));
  // Joined after the run: a frame's put time crosses a process boundary and may arrive after its result is stored.
  const storedAt = new Map<string, number>();
  const eventAt = new Map<string, number>();
  const stopStored = studio.bus.on('result.stored', (info) => {
    if (!storedAt.has(info.result.identity)) storedAt.set(info.result.identity, wallClock());
  });
  try {
    const { queueId, exclusiveId } = await addSimulatorServices(studio, sim.info);
    const workflowId = await starterWorkflowId(studio);
    let batchId: string | undefined;
    const fetched = new Set<number>();
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const early: GalleryImage[] = [];
    const count = (image: GalleryImage): void => {
      if (image.batchId === batchId && image.state === 'fetched') fetched.add(image.id);
      if (fetched.size >= jobs) finish();
    };
    const unsubscribe = studio.events.subscribe((event, payload) => {
      const now = wallClock();
      if (event === 'jobs.changed') {
        for (const change of (payload as { changes: JobChangeDto[] }).changes) {
          if (change.state !== 'succeeded') continue;
          const identity = studio.ledger.getJob(change.id)?.identity;
          if (identity && !eventAt.has(identity)) eventAt.set(identity, now);
        }
      } else if (event === 'gallery.added' || event === 'gallery.changed') {
        for (const image of (payload as { images: GalleryImage[] }).images) {
          if (batchId === undefined) early.push(image);
          else count(image);
        }
      }
    });
    try {
      const started = performance.now();
      const batch = await call(studio, 'batches.queue', {
        serviceId: edition === 'queue' ? queueId : exclusiveId,
        workflowId,
        spec: {
          prompts: promptList(jobs),
          seeds: { mode: 'increment', start: 1 },
          set: { '5.width': size, '5.height': size },
        },
        confirmLarge: true,
      });
      batchId = batch.id;
      for (const image of early.splice(0)) count(image);
      await done;
      const totalMs = performance.now() - started;
      for (const [identity, sent] of sentAt) {
        const stored = storedAt.get(identity);
        const emitted = eventAt.get(identity);
        if (stored !== undefined) storedMs.push(stored - sent);
        if (emitted !== undefined) eventMs.push(emitted - sent);
      }
      return { jobs, totalMs, images: fetched.size, storedMs, eventMs };
    } finally {
      unsubscribe();
    }
  } finally {
    stopProbe();
    stopStored();
    await studio.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function referenceFlow(
  simOptions: Partial<SimulatorOptions>,
  edition: Edition,
  jobs: number,
  size: number,
): Promise<ReferenceRun> {
  const sim = await startSimulatorProcess(simOptions);
  const dir = mkdtempSync(join(tmpdir(), 'artlab-bench-reference-'));
  mkdirSync(dir, { recursive: true });
  try {
    const run = edition === 'queue' ? referenceQueueFlow : referenceExclusiveFlow;
    const workflow = structuredClone(starterJson);
    workflow['5'].inputs.width = size;
    workflow['5'].inputs.height = size;
    return await run(sim.info, workflow, promptList(jobs), dir);
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ThroughputOptions {
  jobs: number;
  /** App runs per edition (the reference runs once: its Exclusive flow takes 0.2 s or more per job). */
  repeat: number;
  sim: Partial<SimulatorOptions>;
  editions: readonly Edition[];
  /** Image width and height: 512 is the starter's; small images keep the simulator's one thread from being the limit. */
  size: number;
  /** Profiling the app alone (`--cpu-prof`): no reference run. */
  skipReference?: boolean;
  /** The Studio's scheduler tuning (e.g. a shorter `eventIntervalMs`, to see what the event coalescing costs). */
  tuning?: StudioAdapters['dispatch'];
  /** Added to the names, for a run with tuning. */
  label?: string;
}

export async function throughputBench(
  options: ThroughputOptions,
  report: (result: BenchResult) => void,
): Promise<void> {
  const storedMs: number[] = [];
  const eventMs: number[] = [];
  const tag = `${options.size}${options.label ? `.${options.label}` : ''}`;
  for (const edition of options.editions) {
    const appRates: number[] = [];
    const appTotals: number[] = [];
    // Untimed: module loading (sharp, ali-oss), JIT and the first SQLite pages are start-up, not throughput.
    await appFlow(options.sim, edition, 10, options.size, options.tuning);
    for (let i = 0; i < options.repeat; i++) {
      const run = await appFlow(options.sim, edition, options.jobs, options.size, options.tuning);
      appRates.push((run.jobs / run.totalMs) * 1000);
      appTotals.push(run.totalMs / 1000);
      storedMs.push(...run.storedMs);
      eventMs.push(...run.eventMs);
    }
    const notes = { jobs: options.jobs, imageSize: options.size, simulator: options.sim };
    report(
      summarize(`throughput.${edition}.${tag}.app`, 'jobs/s', appRates, null, {
        ...notes,
        seconds: appTotals,
      }),
    );
    if (options.skipReference) continue;
    const reference = await referenceFlow(options.sim, edition, options.jobs, options.size);
    const referenceRate = (reference.jobs / reference.totalMs) * 1000;
    report(
      summarize(`throughput.${edition}.${tag}.reference`, 'jobs/s', [referenceRate], null, {
        ...notes,
        seconds: reference.totalMs / 1000,
        images: reference.images,
      }),
    );
    report(
      summarize(
        `throughput.${edition}.${tag}.ratio`,
        'app ÷ reference',
        appRates.map((rate) => rate / referenceRate),
        { kind: 'min', value: 10, on: 'median' },
        notes,
      ),
    );
  }
  if (storedMs.length > 0) {
    const notes = {
      from: 'frame put on the sink (handed to the watcher when its window has room)',
      frames: storedMs.length,
    };
    report(summarize(`latency.${tag}.sink-to-stored`, 'ms', storedMs, { kind: 'max', value: 20, on: 'median' }, notes));
    report(
      summarize(`latency.${tag}.sink-to-stored.p99`, 'ms', storedMs, { kind: 'max', value: 100, on: 'p99' }, notes),
    );
    report(summarize(`latency.${tag}.sink-to-event`, 'ms', eventMs, { kind: 'max', value: 20, on: 'median' }, notes));
    report(summarize(`latency.${tag}.sink-to-event.p99`, 'ms', eventMs, { kind: 'max', value: 100, on: 'p99' }, notes));
  }
}
