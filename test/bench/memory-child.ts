// Run by memory-bench.ts under `node --expose-gc --import tsx`, so the numbers are the core's alone (no benchmark
// harness in the heap). Prints one JSON line. Modes:
//   history <jobs> <images>: a Studio over that much history, every Queue and Gallery page read once; RSS and heap.
//   soak <seconds> <options json>: the queue edition's watcher under dropped sockets, batch after batch; heap after GC.
//   queue <prompts>: a fresh Studio's RSS after start, then one batch of that many prompts through batches.queue;
//     the process's peak RSS (the kernel's high-water mark, so a synchronous spike is not missed) and the file sizes.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GalleryImage } from '../../preload/schemas/gallery';
import type { SimulatorOptions } from '../sim/index';
import { seedHistory } from './seed-history';
import { startSimulatorProcess } from './sim-process';
import { addSimulatorServices, benchStudio, call, starterWorkflowId } from './studio-rig';

const MB = 2 ** 20;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
}

function memory(): { rssMB: number; heapUsedMB: number; externalMB: number } {
  collect();
  const usage = process.memoryUsage();
  return {
    rssMB: usage.rss / MB,
    heapUsedMB: usage.heapUsed / MB,
    externalMB: (usage.external + usage.arrayBuffers) / MB,
  };
}

async function history(jobs: number, images: number): Promise<Record<string, unknown>> {
  const baseline = memory();
  const dir = mkdtempSync(join(tmpdir(), 'artlab-bench-memory-'));
  try {
    seedHistory(dir, jobs, images);
    const studio = benchStudio(dir);
    try {
      // Read everything once, as a user scrolling both pages to the end would.
      let jobCursor: string | undefined;
      do {
        const page = await call(studio, 'jobs.page', { limit: 500, ...(jobCursor ? { cursor: jobCursor } : {}) });
        jobCursor = page.nextCursor ?? undefined;
      } while (jobCursor !== undefined);
      let imageCursor: string | undefined;
      do {
        const page = await call(studio, 'gallery.page', {
          limit: 500,
          ...(imageCursor ? { cursor: imageCursor } : {}),
        });
        imageCursor = page.nextCursor ?? undefined;
      } while (imageCursor !== undefined);
      return { mode: 'history', jobs, images, baseline, loaded: memory() };
    } finally {
      await studio.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function soak(seconds: number, simOptions: Partial<SimulatorOptions>): Promise<Record<string, unknown>> {
  const sim = await startSimulatorProcess(simOptions);
  const dir = mkdtempSync(join(tmpdir(), 'artlab-bench-soak-'));
  const studio = benchStudio(dir);
  try {
    const { queueId } = await addSimulatorServices(studio, sim.info);
    const workflowId = await starterWorkflowId(studio);
    const runBatch = async (n: number): Promise<void> => {
      const seen = new Set<number>();
      let batchId: string | undefined;
      const early: GalleryImage[] = [];
      let finish: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (finish = resolve));
      const count = (image: GalleryImage): void => {
        if (image.batchId === batchId && image.state !== 'pending') seen.add(image.id);
        if (seen.size >= 20) finish();
      };
      const unsubscribe = studio.events.subscribe((event, payload) => {
        if (event !== 'gallery.added' && event !== 'gallery.changed') return;
        for (const image of (payload as { images: GalleryImage[] }).images) {
          if (batchId === undefined) early.push(image);
          else count(image);
        }
      });
      try {
        const prompts = Array.from({ length: 20 }, (_, i) => `soak ${n} image ${i}`);
        batchId = (await call(studio, 'batches.queue', { serviceId: queueId, workflowId, spec: { prompts } })).id;
        for (const image of early.splice(0)) count(image);
        await done;
      } finally {
        unsubscribe();
      }
    };
    const started = Date.now();
    let batches = 0;
    // Warm-up: JIT, connection pools, caches and SQLite's page cache fill before the first heap sample.
    while (Date.now() - started < Math.max(3_000, seconds * 100)) await runBatch(batches++);
    const start = memory();
    const samples: { atSec: number; heapUsedMB: number }[] = [];
    while (Date.now() - started < seconds * 1000) {
      await runBatch(batches++);
      samples.push({ atSec: (Date.now() - started) / 1000, heapUsedMB: memory().heapUsedMB });
    }
    const end = memory();
    const connections = await call(studio, 'jobs.connections');
    return { mode: 'soak', seconds, batches, jobs: batches * 20, start, end, samples, connections };
  } finally {
    await studio.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ledger's files (database, WAL, shared memory) by name, in MB. */
function ledgerFiles(dir: string): Record<string, number> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.startsWith('jobs.sqlite'))
      .map((name) => [name, statSync(join(dir, name)).size / MB]),
  );
}

async function queue(prompts: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'artlab-bench-queue-'));
  const studio = benchStudio(dir);
  try {
    const workflowId = await starterWorkflowId(studio);
    // A service nobody answers on (the discard port, refused on loopback): the scheduler's few failed sends are all
    // the work beside the queueing, with no downloads or thumbnails in the measured process.
    const service = await call(studio, 'services.create', { name: 'bench unreachable', url: 'http://127.0.0.1:9' });
    const started = memory();
    const spec = {
      prompts: Array.from({ length: prompts }, (_, i) => `prompt ${i}: a red fox in deep snow, morning light`),
      seeds: { mode: 'random' as const },
    };
    const queuedAt = performance.now();
    const batch = await call(studio, 'batches.queue', { serviceId: service.id, workflowId, spec, confirmLarge: true });
    const seconds = (performance.now() - queuedAt) / 1000;
    const peakRssMB = process.resourceUsage().maxRSS / 1024;
    return {
      mode: 'queue',
      prompts,
      total: batch.total,
      seconds,
      started,
      peakRssMB,
      after: memory(),
      files: ledgerFiles(dir),
    };
  } finally {
    await studio.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, a, b] = process.argv.slice(2);
const result =
  mode === 'history'
    ? await history(Number(a), Number(b))
    : mode === 'queue'
      ? await queue(Number(a))
      : await soak(Number(a), JSON.parse(b ?? '{}') as object);
process.stdout.write(`${JSON.stringify(result)}\n`);
