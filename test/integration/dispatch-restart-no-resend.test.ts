// Editing a service while its batch is being submitted rebuilds its lane. Sends still in flight then were accepted by
// the service: their receipts are recorded whatever became of the lane, and the new lane never sends them again. Every
// task_id reaches the API edition's input queue exactly once.
import { describe, expect, it } from 'vitest';
import { closingRigs } from './support/scheduler-rigs';
import { countPutTasks } from './support/accepted-prompts';
import { SERVICE } from '../unit/dispatch/scheduler-rig';

const rigFor = closingRigs();
const JOBS = 60;

describe('a service edited while its batch is being submitted', () => {
  it('puts every task_id of a 60-job API-edition batch exactly once across restarts of the lane', async () => {
    // Latency keeps puts in flight when the lane is rebuilt; the put lands on the service whatever the client does.
    const rig = await rigFor({ edition: 'queue', sim: { stepMs: 1, latencyMs: 40 } });
    const puts = countPutTasks(rig.sim);
    const { batchId } = await rig.queue(JOBS);

    for (const after of [4, 20, 40]) {
      await rig.change(() => puts.size >= after && rig.scheduler.connections().length > 0, 30_000);
      await rig.scheduler.restartService(SERVICE);
    }
    await rig.settled(batchId, 60_000);

    expect(rig.ledger.batchSummary(batchId).counts.succeeded).toBe(JOBS);
    expect(puts.size).toBe(JOBS);
    expect([...puts.entries()].filter(([, times]) => times > 1)).toEqual([]);
    const page = rig.ledger.pageJobs({ filters: { batchId }, limit: JOBS });
    expect(page.jobs.filter((job) => job.duplicatePossible)).toEqual([]);
  }, 90_000);
});
