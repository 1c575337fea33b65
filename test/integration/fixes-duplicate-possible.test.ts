// "A duplicate image is possible" outlives the event that announced it: a queue-edition job caught in `submitting` by
// a crash is resent with the same task_id on the next start, and the ledger (so every later page of jobs) keeps
// the flag, where before only the `jobs.changed` delta carried it.
import { afterEach, describe, expect, it } from 'vitest';
import { starterWorkflow } from '../../main/comfy/starter';
import { queueBatch } from '../../main/batches/batch-queueing';
import { toJobDto } from '../../main/ledger/ledger-dto';
import { JobDtoSchema } from '../../preload/schemas/jobs';
import { schedulerRig, SERVICE, type SchedulerRig } from '../unit/dispatch/scheduler-rig';

let rig: SchedulerRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('a queue-edition job resent after a crash', () => {
  it('is marked duplicate-possible in the ledger and in the job DTO, and keeps the mark once it succeeds', async () => {
    rig = await schedulerRig({ edition: 'queue', sim: { stepMs: 1 } });
    const { ledger } = rig;
    const { batch, jobIds } = queueBatch(ledger, {
      serviceId: SERVICE,
      workflow: starterWorkflow(),
      spec: { seeds: { mode: 'random' }, countPerPrompt: 2 },
    });
    const [crashed, untouched] = jobIds;
    if (crashed === undefined || untouched === undefined) throw new Error('expected two jobs');
    // The previous run wrote the identity and died before the reply: the job is `submitting`.
    expect(ledger.assignIdentity(crashed, 'task-before-crash')).toBe(true);
    expect(ledger.getJob(crashed)?.duplicatePossible).toBe(false);

    await rig.scheduler.wake(SERVICE);
    await rig.change((change) => change.id === crashed && change.duplicatePossible === true);
    await rig.settled(batch.id);

    const again = ledger.getJob(crashed);
    expect(again).toMatchObject({ state: 'succeeded', identity: 'task-before-crash', duplicatePossible: true });
    expect(ledger.getJob(untouched)).toMatchObject({ state: 'succeeded', duplicatePossible: false });
    // What a reloaded Queue page reads: the page of jobs, through the contract's schema.
    const page = ledger.pageJobs({ filters: { batchId: batch.id }, limit: 10 });
    const dtos = page.jobs.map((job) => JobDtoSchema.parse(toJobDto(job)));
    expect(dtos.find((job) => job.id === crashed)?.duplicatePossible).toBe(true);
    expect(dtos.find((job) => job.id === untouched)?.duplicatePossible).toBe(false);
  });
});
