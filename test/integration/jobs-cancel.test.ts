// Cancel and retry through the scheduler, on both editions: a pending job is dropped locally, a job waiting in the
// service's queue is removed there, a running Exclusive job is interrupted; a cancelled or failed job can be retried.
import { describe, expect, it } from 'vitest';
import { closingRigs } from './support/scheduler-rigs';

const rig = closingRigs();

describe('cancel', () => {
  it.each(['exclusive', 'queue'] as const)('drops a pending job without asking the %s service', async (edition) => {
    const r = await rig({ edition, sim: { stepMs: 20 }, settings: { concurrency: 1 } });
    const { batchId, jobIds } = await r.queue(3);
    const last = jobIds[2] ?? '';
    expect(r.ledger.getJob(last)?.state).toBe('pending');
    expect((await r.scheduler.cancel(last)).state).toBe('cancelled');
    await r.settled(batchId, 30_000);
    expect(r.ledger.getJob(last)?.identity).toBeNull();
    expect(r.ledger.batchSummary(batchId).counts).toMatchObject({ succeeded: 2, cancelled: 1 });
  });

  it('removes a job waiting in the Exclusive queue and interrupts the running one', async () => {
    const r = await rig({ edition: 'exclusive', sim: { stepMs: 50 }, settings: { concurrency: 2 } });
    const { batchId, jobIds } = await r.queue(2);
    const [first = '', second = ''] = jobIds;
    await r.change((change) => change.id === first && change.state === 'running');
    await r.change((change) => change.id === second && change.state === 'queued');
    expect((await r.scheduler.cancel(second)).state).toBe('cancelled');
    expect((await r.scheduler.cancel(first)).state).toBe('cancelled');
    await r.sim.exclusive.queue.idle();
    await r.settled(batchId);
    // The interrupt's error result arrives and is stored, but the job stays cancelled; the removed one never ran.
    await r.change((change) => change.id === first && r.ledger.resultsOfJob(first).length > 0);
    expect(r.ledger.getJob(first)?.state).toBe('cancelled');
    expect(r.ledger.getJob(second)?.state).toBe('cancelled');
    const history = r.sim.exclusive.queue.history();
    expect(Object.keys(history)).not.toContain(r.ledger.getJob(second)?.identity);
  });

  it('removes a job waiting in the EAS input queue', async () => {
    const r = await rig({ edition: 'queue', sim: { stepMs: 40, workers: 1 }, settings: { concurrency: 4 } });
    const { batchId, jobIds } = await r.queue(3);
    const last = jobIds[2] ?? '';
    await r.change((change) => change.id === last && change.state === 'queued');
    expect(r.ledger.getJob(last)?.queueIndex).not.toBeNull();
    expect((await r.scheduler.cancel(last)).state).toBe('cancelled');
    await r.settled(batchId, 30_000);
    await r.sim.queue.whenIdle();
    expect(r.ledger.getJob(last)?.state).toBe('cancelled');
    expect(r.ledger.resultsOfJob(last)).toHaveLength(0);
    expect(r.sim.queue.stats().jobs.completed).toBe(2);
  });

  it('cancels a whole batch: pending jobs at once, sent ones through the service', async () => {
    const r = await rig({ edition: 'exclusive', sim: { stepMs: 30 }, settings: { concurrency: 2 } });
    const { batchId } = await r.queue(6);
    await r.change((change) => change.state === 'running');
    await r.scheduler.cancelBatch(batchId);
    await r.settled(batchId);
    const { counts } = r.ledger.batchSummary(batchId);
    expect(counts.cancelled + counts.succeeded).toBe(6);
    expect(counts.cancelled).toBeGreaterThanOrEqual(4);
  });
});

describe('retry', () => {
  it('sends a cancelled job again with a new identity', async () => {
    const r = await rig({ edition: 'exclusive', settings: { concurrency: 1 } });
    const { batchId, jobIds } = await r.queue(2);
    const last = jobIds[1] ?? '';
    await r.scheduler.cancel(last);
    await r.settled(batchId);
    r.scheduler.retry(last);
    expect(r.ledger.getJob(last)?.state).not.toBe('cancelled');
    await r.settled(batchId);
    expect(r.ledger.getJob(last)?.state).toBe('succeeded');
  });
});
