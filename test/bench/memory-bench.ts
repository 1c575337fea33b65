// Memory of the core in child processes of its own (memory-child.ts): RSS and heap over 10,000 jobs and 10,000
// images, the peak RSS while one batch of 100,000 prompts is queued (and the ledger's size after), and the heap after
// GC at the start and end of a watcher soak with dropped sockets. The children load
// TypeScript through tsx, which the packaged app does not: its cost is measured here and reported beside the RSS.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { SimulatorOptions } from '../sim/index';
import { summarize, type BenchResult } from './bench-report';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
const usageSchema = z.object({ rssMB: z.number(), heapUsedMB: z.number(), externalMB: z.number() });
const historySchema = z.object({ baseline: usageSchema, loaded: usageSchema });
const queueSchema = z.object({
  prompts: z.number(),
  total: z.number(),
  seconds: z.number(),
  started: usageSchema,
  peakRssMB: z.number(),
  after: usageSchema,
  files: z.record(z.string(), z.number()),
});
const soakSchema = z.object({
  seconds: z.number(),
  batches: z.number(),
  jobs: z.number(),
  start: usageSchema,
  end: usageSchema,
  samples: z.array(z.object({ atSec: z.number(), heapUsedMB: z.number() })),
  connections: z.unknown(),
});

async function emptyRss(loader: boolean): Promise<number> {
  const script = 'globalThis.gc(); process.stdout.write(String(process.memoryUsage().rss / 2 ** 20))';
  const { stdout } = await run(process.execPath, ['--expose-gc', ...(loader ? ['--import', 'tsx'] : []), '-e', script]);
  return Number(stdout);
}

async function runChild(args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', child, ...args], {
    maxBuffer: 16 * 2 ** 20,
    timeout: 60 * 60 * 1000,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last);
}

const round = (value: number): number => Math.round(value * 10) / 10;

/** Core RSS after start, peak RSS while queueing `prompts` through batches.queue, the ledger's size after. */
export async function queueMemoryBench(prompts: number, loaderMB?: number): Promise<BenchResult[]> {
  const tsxMB = loaderMB ?? (await emptyRss(true)) - (await emptyRss(false));
  const queue = queueSchema.parse(await runChild(['queue', String(prompts)]));
  const fileMB = Object.values(queue.files).reduce((sum, size) => sum + size, 0);
  const label = `${prompts / 1000}k`;
  return [
    summarize(
      'memory.start.rss',
      'MB',
      [queue.started.rssMB - tsxMB],
      { kind: 'max', value: 150, on: 'value' },
      {
        rssWithTsxMB: round(queue.started.rssMB),
        tsxLoaderMB: round(tsxMB),
        heapUsedMB: round(queue.started.heapUsedMB),
        why: 'RSS of a fresh Studio (one service, nothing queued) after GC, minus the TypeScript loader',
      },
    ),
    summarize(
      `memory.queue${label}.peak-rss`,
      'MB',
      [queue.peakRssMB - tsxMB],
      { kind: 'max', value: 400, on: 'value' },
      {
        prompts,
        jobs: queue.total,
        seconds: round(queue.seconds),
        peakRssWithTsxMB: round(queue.peakRssMB),
        rssAfterMB: round(queue.after.rssMB - tsxMB),
        heapAfterMB: round(queue.after.heapUsedMB),
        why: 'the process high-water mark (getrusage maxRSS) through batches.queue, minus the TypeScript loader',
      },
    ),
    summarize(`memory.queue${label}.ledger-size`, 'MB', [fileMB], null, {
      files: Object.fromEntries(Object.entries(queue.files).map(([name, size]) => [name, round(size)])),
      bytesPerJob: Math.round((fileMB * 2 ** 20) / queue.total),
    }),
  ];
}

export async function memoryBench(options: {
  jobs: number;
  images: number;
  queuePrompts: number;
  soakSeconds: number;
  sim: Partial<SimulatorOptions>;
}): Promise<BenchResult[]> {
  const loaderMB = (await emptyRss(true)) - (await emptyRss(false));
  const history = historySchema.parse(await runChild(['history', String(options.jobs), String(options.images)]));
  const coreRss = history.loaded.rssMB - loaderMB;
  const results: BenchResult[] = [
    summarize(
      'memory.core.rss',
      'MB',
      [coreRss],
      { kind: 'max', value: 150, on: 'value' },
      {
        jobs: options.jobs,
        images: options.images,
        rssWithTsxMB: round(history.loaded.rssMB),
        tsxLoaderMB: round(loaderMB),
        modulesLoadedRssMB: round(history.baseline.rssMB - loaderMB),
        why: 'RSS of a process that has built the Studio and read every Queue and Gallery page once, minus the TypeScript loader',
      },
    ),
    summarize('memory.core.heap', 'MB', [history.loaded.heapUsedMB], null, {
      externalMB: round(history.loaded.externalMB),
      heapBeforeStudioMB: round(history.baseline.heapUsedMB),
    }),
  ];
  results.push(...(await queueMemoryBench(options.queuePrompts, loaderMB)));
  const soak = soakSchema.parse(await runChild(['soak', String(options.soakSeconds), JSON.stringify(options.sim)]));
  const growth = soak.end.heapUsedMB - soak.start.heapUsedMB;
  results.push(
    summarize(
      'memory.soak.heap-growth',
      'MB',
      [growth],
      { kind: 'max', value: 3, on: 'value' },
      {
        seconds: soak.seconds,
        fullLength: 'npm run bench -- --only memory --soak-sec 1800',
        jobs: soak.jobs,
        heapStartMB: round(soak.start.heapUsedMB),
        heapEndMB: round(soak.end.heapUsedMB),
        rssStartMB: round(soak.start.rssMB),
        rssEndMB: round(soak.end.rssMB),
        heapAfterGcSamplesMB: soak.samples.map((sample) => round(sample.heapUsedMB)),
        simulator: options.sim,
        connections: soak.connections,
      },
    ),
  );
  return results;
}
