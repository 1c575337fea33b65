// The gallery index and the Queue page's reads over 10,000 images and 10,000 jobs, through the Studio's contract
// handlers (payloads validated and mapped to DTOs, as the renderer receives them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize, type BenchResult } from './bench-report';
import { seedHistory } from './seed-history';
import { benchStudio, call } from './studio-rig';

async function timeAsync(work: () => Promise<unknown>, repeat: number, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return samples;
}

export async function galleryBench(options: { images: number; jobs: number; repeat: number }): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'artlab-bench-gallery-'));
  try {
    seedHistory(dir, options.jobs, options.images);
    const studio = benchStudio(dir);
    try {
      const target = { kind: 'max', value: 5, on: 'median' } as const;
      const first = await call(studio, 'gallery.page', { limit: 100 });
      let cursor = first.nextCursor ?? undefined;
      for (let i = 0; i < 49 && cursor !== undefined; i++) {
        cursor = (await call(studio, 'gallery.page', { limit: 100, cursor })).nextCursor ?? undefined;
      }
      const notes = { images: options.images, pageSize: 100 };
      const page = (input: Parameters<typeof call<'gallery.page'>>[2]) => () => call(studio, 'gallery.page', input);
      return [
        summarize('gallery.page.first', 'ms', await timeAsync(page({ limit: 100 }), options.repeat), target, notes),
        summarize(
          'gallery.page.deep',
          'ms',
          await timeAsync(page({ limit: 100, ...(cursor !== undefined ? { cursor } : {}) }), options.repeat),
          target,
          { ...notes, depth: 'page 51' },
        ),
        summarize(
          'gallery.search.word',
          'ms',
          await timeAsync(page({ limit: 100, filters: { text: 'sailor' } }), options.repeat),
          target,
          {
            ...notes,
            text: 'sailor',
            matches: (await call(studio, 'gallery.page', { filters: { text: 'sailor' } })).total,
          },
        ),
        summarize(
          'gallery.search.cjk+favorites',
          'ms',
          await timeAsync(page({ limit: 100, filters: { text: '云雾', favorites: true } }), options.repeat),
          target,
          { ...notes, text: '云雾' },
        ),
        summarize(
          'gallery.search.no-match',
          'ms',
          await timeAsync(page({ limit: 100, filters: { text: 'zebra' } }), options.repeat),
          target,
          { ...notes, text: 'zebra' },
        ),
        summarize(
          'jobs.page.contract',
          'ms',
          await timeAsync(() => call(studio, 'jobs.page', { limit: 200, order: 'latest' }), options.repeat),
          target,
          { jobs: options.jobs, pageSize: 200, via: 'jobs.page handler (DTOs)' },
        ),
      ];
    } finally {
      await studio.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
