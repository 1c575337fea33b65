// `npm run bench [-- --quick] [--only throughput,pool,ledger,gallery,memory,queue100k,renderer] [--soak-sec N] [--jobs N]
//   [--sizes 64,512]`
// One JSON line per measurement on stdout, then a summary line with the machine, the versions and the simulator
// settings. Progress goes to stderr. Not part of `npm test`: the numbers depend on the machine.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { SimulatorOptions } from '../sim/index';
import { machine, packageVersions, type BenchResult } from './bench-report';
import { galleryBench } from './gallery-bench';
import { ledgerBench } from './ledger-bench';
import { memoryBench, queueMemoryBench } from './memory-bench';
import { poolBench } from './pool-bench';
import { throughputBench } from './throughput-bench';

const SECTIONS = ['throughput', 'pool', 'ledger', 'gallery', 'memory', 'queue100k', 'renderer'] as const;
/** Sections a full run includes: queue100k is part of memory, and runs alone with --only queue100k. */
const DEFAULT_SECTIONS = SECTIONS.filter((section) => section !== 'queue100k');
type Section = (typeof SECTIONS)[number];

const flagsSchema = z.object({
  quick: z.boolean().default(false),
  only: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',') : [...DEFAULT_SECTIONS]))
    .pipe(z.array(z.enum(SECTIONS))),
  'soak-sec': z.coerce.number().int().min(5).optional(),
  jobs: z.coerce.number().int().min(1).max(5_000).optional(),
  /** Image sizes for the throughput runs, e.g. `64,512`. */
  sizes: z
    .string()
    .default('64')
    .transform((value) => value.split(',').map(Number))
    .pipe(z.array(z.number().int().min(16).max(2048))),
});

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    only: { type: 'string' },
    'soak-sec': { type: 'string' },
    jobs: { type: 'string' },
    sizes: { type: 'string' },
  },
  strict: true,
});
const flags = flagsSchema.parse(values);
const quick = flags.quick;

/** Realistic settings: a 20 ms network, four API-edition workers, 1 ms per sampler step (20 steps: 20 ms a job). */
const simulator: Partial<SimulatorOptions> = { latencyMs: 20, workers: 4, stepMs: 1 };
const soakSimulator: Partial<SimulatorOptions> = { ...simulator, dropWsEvery: 7, redeliveryGraceMs: 500 };
/** A render time held constant and long beside the app's own work: 20 steps of 10 ms, 200 ms a job, one at a time. */
const poolSimulator: Partial<SimulatorOptions> = { latencyMs: 20, stepMs: 10 };
const settings = {
  throughput: { jobs: flags.jobs ?? (quick ? 50 : 500), repeat: quick ? 1 : 2, sizes: flags.sizes },
  pool: { members: [1, 2, 3], jobsPerMember: quick ? 15 : 60 },
  ledger: { jobs: quick ? 20_000 : 100_000, repeat: quick ? 20 : 100 },
  gallery: { images: quick ? 2_000 : 10_000, jobs: quick ? 2_000 : 10_000, repeat: quick ? 20 : 100 },
  memory: {
    jobs: quick ? 2_000 : 10_000,
    images: quick ? 2_000 : 10_000,
    /** One batch of this many prompts through batches.queue; 100,000 is the largest batch the app accepts. */
    queuePrompts: quick ? 10_000 : 100_000,
    soakSeconds: flags['soak-sec'] ?? (quick ? 10 : 60),
  },
};

const results: BenchResult[] = [];
const report = (result: BenchResult): void => {
  results.push(result);
  process.stdout.write(`${JSON.stringify(result)}\n`);
};
const progress = (text: string): void => {
  process.stderr.write(`bench: ${text}\n`);
};

const started = performance.now();
const ran: Section[] = [];
for (const section of flags.only) {
  progress(`${section}…`);
  const sectionStarted = performance.now();
  if (section === 'throughput') {
    // 64×64 by default keeps the simulator (one thread rendering every image) from being the limit; the starter's
    // own 512×512 with --sizes 512.
    for (const size of flags.sizes) {
      await throughputBench({ ...settings.throughput, size, sim: simulator, editions: ['queue', 'exclusive'] }, report);
    }
    // The same API-edition run with jobs.changed flushed every 16 ms instead of 100: what the coalescing costs.
    await throughputBench(
      {
        ...settings.throughput,
        repeat: 1,
        size: flags.sizes[0] ?? 64,
        sim: simulator,
        editions: ['queue'],
        skipReference: true,
        tuning: { eventIntervalMs: 16 },
        label: 'events-16ms',
      },
      report,
    );
    // Exclusive with six prompts kept on the service instead of the default two: what the default leaves idle.
    await throughputBench(
      {
        ...settings.throughput,
        repeat: 1,
        size: flags.sizes[0] ?? 64,
        sim: simulator,
        editions: ['exclusive'],
        skipReference: true,
        tuning: { editionDeps: { concurrency: 6 } },
        label: 'concurrency-6',
      },
      report,
    );
  } else if (section === 'pool') {
    await poolBench({ ...settings.pool, sim: poolSimulator }, report);
  } else if (section === 'ledger') {
    ledgerBench(settings.ledger).forEach(report);
  } else if (section === 'gallery') {
    (await galleryBench(settings.gallery)).forEach(report);
  } else if (section === 'memory') {
    (await memoryBench({ ...settings.memory, sim: soakSimulator })).forEach(report);
  } else if (section === 'queue100k') {
    (await queueMemoryBench(100_000)).forEach(report);
  } else {
    const { rendererBench } = await import('./renderer-bench');
    (await rendererBench({ jobs: settings.gallery.jobs, images: settings.gallery.images, quick })).forEach(report);
  }
  ran.push(section);
  progress(`${section} done in ${Math.round((performance.now() - sectionStarted) / 1000)} s`);
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const judged = results.filter((result) => result.pass !== null);
process.stdout.write(
  `${JSON.stringify({
    summary: true,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    date: new Date().toISOString(),
    seconds: Math.round((performance.now() - started) / 1000),
    sections: ran,
    passed: judged.filter((result) => result.pass === true).map((result) => result.name),
    missed: judged.filter((result) => result.pass === false).map((result) => result.name),
    machine: machine(),
    versions: packageVersions(root),
    simulator: { throughput: simulator, pool: poolSimulator, soak: soakSimulator },
    settings,
  })}\n`,
);
