// The Queue page and the CLI read the ledger a page at a time. With 100,000 jobs every page must still come from an
// index, and walking the pages must give every matching job exactly once, in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiWorkflow } from '../../main/comfy/workflow-types';
import type { JobState } from '../../main/ledger/job-state';
import type { JobRecord } from '../../main/ledger/ledger';
import type { PageJobsQuery } from '../../main/ledger/ledger-paging';
import { ledgerRig, result, type LedgerRig } from '../unit/ledger/ledger-rig';

const workflow: ApiWorkflow = { '3': { class_type: 'KSampler', inputs: { seed: 0, steps: 20 } } };
const PER_BATCH = 25_000;

let rig: LedgerRig;
const batches: { id: string; serviceId: string; jobIds: string[] }[] = [];

function walk(query: PageJobsQuery): JobRecord[] {
  const seen: JobRecord[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = rig.ledger.pageJobs({ ...query, ...(cursor !== undefined ? { cursor } : {}) });
    seen.push(...page.jobs);
    if (page.nextCursor === null) return seen;
    expect(page.jobs).toHaveLength(query.limit ?? 200);
    cursor = page.nextCursor;
  }
}

function expectOnceInOrder(jobs: JobRecord[], expected: readonly string[], descending = false): void {
  expect(new Set(jobs.map((job) => job.id)).size).toBe(jobs.length);
  expect(jobs.map((job) => job.id).sort()).toEqual([...expected].sort());
  const outOfOrder = jobs.filter((job, i) => {
    const previous = jobs[i - 1];
    if (!previous) return false;
    const [a, b] = descending ? [job, previous] : [previous, job];
    return !(a.seq < b.seq || (a.seq === b.seq && a.id < b.id));
  });
  expect(outOfOrder).toEqual([]);
}

beforeAll(() => {
  rig = ledgerRig();
  for (const [i, serviceId] of ['svc-a', 'svc-b', 'svc-a', 'svc-b'].entries()) {
    const jobs = Array.from({ length: PER_BATCH }, (_, n) => ({ workflow, params: { '3.seed': i * PER_BATCH + n } }));
    const { batch, jobIds } = rig.ledger.createBatch({ serviceId, label: `batch ${i}`, spec: {}, jobs });
    batches.push({ id: batch.id, serviceId, jobIds });
    rig.clock.time += 60_000;
  }
  // Some history: batch 2 cancelled, the first 100 jobs of batch 0 finished one way or another.
  rig.ledger.cancelPendingJobs(batches[2]?.id ?? '');
  for (const [n, id] of (batches[0]?.jobIds.slice(0, 100) ?? []).entries()) {
    rig.ledger.assignIdentity(id, `task-${n}`);
    rig.ledger.recordResult('svc-a', result(`task-${n}`, n % 4 === 0 ? 'out of memory' : undefined));
  }
}, 60_000);

afterAll(() => {
  rig.cleanup();
});

describe('paging a 100,000-job ledger', () => {
  it('walks every job exactly once, in queue order', () => {
    const all = batches.flatMap((batch) => batch.jobIds);
    expect(all).toHaveLength(100_000);
    expectOnceInOrder(walk({ limit: 1_000 }), all);
  });

  it('walks one service newest first', () => {
    const expected = batches.filter((b) => b.serviceId === 'svc-b').flatMap((b) => b.jobIds);
    expectOnceInOrder(walk({ filters: { serviceId: 'svc-b' }, order: 'latest', limit: 997 }), expected, true);
  });

  it('filters by batch and state together', () => {
    const first = batches[0];
    const finished = first?.jobIds.slice(0, 100) ?? [];
    const failed = finished.filter((_, n) => n % 4 === 0);
    const states: JobState[] = ['failed'];
    expectOnceInOrder(walk({ filters: { batchId: first?.id ?? '', states }, limit: 7 }), failed);
    const pending = walk({ filters: { serviceId: 'svc-a', states: ['pending'] }, limit: 1_000 });
    expect(pending).toHaveLength(PER_BATCH - 100);
    expect(walk({ filters: { states: [] } })).toEqual([]);
  });

  it('filters by creation time', () => {
    const from = rig.clock.time - 2 * 60_000;
    const jobs = walk({ filters: { createdFrom: from, createdTo: from + 60_000 }, limit: 1_000 });
    expectOnceInOrder(jobs, batches[2]?.jobIds ?? []);
    expect(jobs.every((job) => job.state === 'cancelled')).toBe(true);
  });

  it('answers a deep page as fast as the first, from an index', () => {
    let cursor: string | undefined;
    for (let i = 0; i < 90; i++)
      cursor = rig.ledger.pageJobs({ limit: 1_000, ...(cursor ? { cursor } : {}) }).nextCursor ?? undefined;
    const started = performance.now();
    const deep = rig.ledger.pageJobs({ limit: 200, ...(cursor ? { cursor } : {}) });
    expect(performance.now() - started).toBeLessThan(100);
    expect(deep.jobs).toHaveLength(200);
  });

  it('refuses a cursor it did not make, or one from the other order', () => {
    const { nextCursor } = rig.ledger.pageJobs({ limit: 10 });
    expect(() => rig.ledger.pageJobs({ cursor: 'not-a-cursor' })).toThrow(/Reload the job list/);
    expect(() => rig.ledger.pageJobs({ cursor: nextCursor ?? '', order: 'latest' })).toThrow(/Reload/);
  });

  it('counts a 25,000-job batch per state quickly', () => {
    const started = performance.now();
    const summary = rig.ledger.batchSummary(batches[0]?.id ?? '');
    expect(performance.now() - started).toBeLessThan(200);
    expect(summary.counts).toMatchObject({ pending: PER_BATCH - 100, succeeded: 75, failed: 25 });
  });
});
