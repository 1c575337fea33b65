// Ledger at 100,000 jobs: how long the inserts take, a page and a filtered page (the Queue page's reads), start-up
// (open, migrate, first page: what the app does before the Queue page can draw), and the file on disk.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../main/ledger/ledger';
import { summarize, timeSync, type BenchResult } from './bench-report';
import { seedJobs } from './seed-history';

export function ledgerBench(options: { jobs: number; repeat: number }): BenchResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'artlab-bench-ledger-'));
  const file = join(dir, 'jobs.sqlite');
  try {
    const seeded = seedJobs(file, 'svc-a', options.jobs);
    const perJob = seeded.insertMs.map((ms) => ms / Math.min(10_000, options.jobs));
    const results: BenchResult[] = [
      summarize('ledger.insert', 'ms per 10,000-job batch', seeded.insertMs, null, {
        jobs: options.jobs,
        jobsPerSecond: Math.round(1000 / (perJob.reduce((a, b) => a + b, 0) / perJob.length)),
      }),
    ];

    const ledger = Ledger.open(file);
    try {
      const lastBatch = seeded.batchIds.at(-1) ?? '';
      const firstPage = ledger.pageJobs({ limit: 200 });
      let cursor = firstPage.nextCursor ?? undefined;
      // Deep in the list: a cursor taken after walking 250 pages (50,000 jobs) in a cheap loop before timing.
      for (let i = 0; i < 249 && cursor !== undefined; i++)
        cursor = ledger.pageJobs({ limit: 200, cursor }).nextCursor ?? undefined;
      const target = { kind: 'max', value: 5, on: 'median' } as const;
      results.push(
        summarize(
          'ledger.page.first',
          'ms',
          timeSync(() => ledger.pageJobs({ limit: 200 }), options.repeat),
          target,
        ),
        summarize(
          'ledger.page.deep',
          'ms',
          timeSync(() => ledger.pageJobs({ limit: 200, ...(cursor !== undefined ? { cursor } : {}) }), options.repeat),
          target,
          { depth: `page 251 of ${options.jobs / 200}` },
        ),
        summarize(
          'ledger.page.latest',
          'ms',
          timeSync(() => ledger.pageJobs({ limit: 200, order: 'latest' }), options.repeat),
          target,
        ),
        summarize(
          'ledger.filter.batch+state',
          'ms',
          timeSync(
            () => ledger.pageJobs({ limit: 200, filters: { batchId: lastBatch, states: ['pending'] } }),
            options.repeat,
          ),
          target,
        ),
        summarize(
          'ledger.filter.state-none-match',
          'ms',
          timeSync(() => ledger.pageJobs({ limit: 200, filters: { states: ['failed'] } }), options.repeat),
          target,
          { why: `no failed job among ${options.jobs}: a filter that cannot stop early` },
        ),
      );
      // One job's state change as the scheduler makes it: a transaction of its own, synced to disk (synchronous=FULL).
      const pending = ledger.pageJobs({ limit: options.repeat, filters: { batchId: lastBatch, states: ['pending'] } });
      let n = 0;
      const writes = timeSync(
        () => {
          const job = pending.jobs[n];
          if (job) ledger.assignIdentity(job.id, `bench-${n}`);
          n += 1;
        },
        options.repeat,
        0,
      );
      results.push(
        summarize('ledger.write.one-job', 'ms', writes, null, {
          why: 'each of a job’s transitions (identity, queued, result) is a synced transaction on the main thread',
        }),
      );
    } finally {
      ledger.close();
    }

    const startup = timeSync(
      () => {
        const reopened = Ledger.open(file);
        reopened.pageJobs({ limit: 200 });
        reopened.close();
      },
      Math.max(5, Math.round(options.repeat / 10)),
      1,
    );
    results.push(
      summarize('ledger.startup', 'ms (open + first page)', startup, { kind: 'max', value: 300, on: 'median' }),
    );
    const size = (name: string): number => (existsSync(name) ? statSync(name).size : 0);
    const bytes = size(file) + size(`${file}-wal`);
    results.push(
      summarize('ledger.file-size', 'MB', [bytes / 2 ** 20], null, {
        jobs: options.jobs,
        bytesPerJob: Math.round(bytes / options.jobs),
      }),
    );
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
