// Queueing a large batch a chunk per turn of the event loop: the app keeps answering while 100,000 jobs are written,
// nobody sees half a batch, two batches queued at once keep their jobs together, and a job refused in a later chunk
// leaves nothing behind.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueBatch, queueBatchInTurns } from '../../../main/batches/batch-queueing';
import { seededRandomSource } from '../../../main/batches/seed-source';
import { catalogFromObjectInfo } from '../../../main/comfy/node-catalog';
import { starterWorkflow } from '../../../main/comfy/starter';
import { ValidationError } from '../../../main/errors';
import { JOBS_PER_TRANSACTION } from '../../../main/ledger/ledger-batches';
import type { JobRecord } from '../../../main/ledger/ledger';
import { ledgerRig, type LedgerRig } from '../ledger/ledger-rig';

let rig: LedgerRig;
beforeEach(() => {
  rig = ledgerRig();
});
afterEach(() => {
  rig.cleanup();
});

const JOBS = JOBS_PER_TRANSACTION * 2 + 7;

function request(serviceId: string, count: number, label?: string) {
  return {
    serviceId,
    workflow: starterWorkflow(),
    spec: { prompts: 'a lighthouse', countPerPrompt: count, seeds: { mode: 'random' as const } },
    ...(label ? { label } : {}),
  };
}

function allJobs(): JobRecord[] {
  const jobs: JobRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = rig.ledger.pageJobs({ limit: 1_000, ...(cursor ? { cursor } : {}) });
    jobs.push(...page.jobs);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return jobs;
}

describe('queueing a batch in turns', () => {
  it('lets other work run between its chunks, and shows the batch only once it is whole', async () => {
    const seen: { batches: number; jobs: number; pending: number }[] = [];
    let watching = true;
    const watch = () => {
      if (!watching) return;
      seen.push({
        batches: rig.ledger.pageBatches(10).length,
        jobs: rig.ledger.pageJobs({ limit: 10 }).jobs.length,
        pending: rig.ledger.nextPending('svc', 10).length,
      });
      setImmediate(watch);
    };
    setImmediate(watch);
    const { batch, jobIds } = await queueBatchInTurns(rig.ledger, request('svc', JOBS), {
      random: seededRandomSource(5),
    });
    watching = false;

    // The chunks were written in separate turns, and in between nothing of the batch was visible.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual(seen.map(() => ({ batches: 0, jobs: 0, pending: 0 })));
    expect(batch.total).toBe(JOBS);
    expect(jobIds).toHaveLength(JOBS);
    expect(rig.ledger.batchSummary(batch.id).counts.pending).toBe(JOBS);
    expect(allJobs().map((job) => job.id)).toEqual(jobIds);
  });

  it('keeps each of two batches queued at once together, in the order they were queued', async () => {
    const [first, second] = await Promise.all([
      queueBatchInTurns(rig.ledger, request('svc', JOBS_PER_TRANSACTION + 3, 'first')),
      queueBatchInTurns(rig.ledger, request('svc', JOBS_PER_TRANSACTION + 5, 'second')),
    ]);
    expect(allJobs().map((job) => job.id)).toEqual([...first.jobIds, ...second.jobIds]);
  });

  it('gives a batch stored whole while another is filling places of its own', async () => {
    const filling = queueBatchInTurns(rig.ledger, request('svc', JOBS, 'in turns'));
    // Runs between two chunks of the batch above.
    const whole = await new Promise<ReturnType<typeof queueBatch>>((resolve) =>
      setImmediate(() => resolve(queueBatch(rig.ledger, request('svc', 3, 'whole')))),
    );
    const inTurns = await filling;
    const seqs = allJobs().map((job) => job.seq);
    expect(new Set(seqs).size).toBe(JOBS + 3);
    const order = allJobs().map((job) => job.id);
    for (const ids of [whole.jobIds, inTurns.jobIds]) {
      expect(order.filter((id) => ids.includes(id))).toEqual(ids);
    }
  });

  it('stores nothing when a job in a later chunk is refused by the service catalogue', async () => {
    const catalog = catalogFromObjectInfo({
      KSampler: { input: { required: { seed: ['INT', { min: 0, max: 2 ** 50 }] } }, output: ['LATENT'] },
    });
    const values = Array.from({ length: JOBS_PER_TRANSACTION + 10 }, (_, n) => String(n + 1));
    values.push((2n ** 51n).toString());
    const refused = queueBatchInTurns(
      rig.ledger,
      { serviceId: 'svc', workflow: starterWorkflow(), spec: { prompts: 'a', seeds: { mode: 'list', values } } },
      { catalog },
    );
    await expect(refused).rejects.toThrow(ValidationError);
    await expect(refused).rejects.toThrow(/Job 5011: .*above its maximum/);
    expect(rig.ledger.pageBatches(10)).toEqual([]);
    expect(allJobs()).toEqual([]);
    // The next batch is not held up by the refused one.
    const next = await queueBatchInTurns(rig.ledger, request('svc', 2));
    expect(allJobs().map((job) => job.id)).toEqual(next.jobIds);
  });
});
