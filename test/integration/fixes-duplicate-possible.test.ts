// A queue-edition job caught in `submitting` by a crash is looked up by its task_id before anything is sent again.
// One the service provably never received is sent once more without a mark; one whose fate the service cannot tell is
// resent marked "a duplicate image is possible", and the ledger (so every later page of jobs) keeps the mark, where
// before only the `jobs.changed` delta carried it.
import { afterEach, describe, expect, it } from 'vitest';
import { starterWorkflow } from '../../main/comfy/starter';
import { queueBatch } from '../../main/batches/batch-queueing';
import { toJobDto } from '../../main/ledger/ledger-dto';
import { JobDtoSchema } from '../../preload/schemas/jobs';
import { schedulerRig, SERVICE, type RigOptions, type SchedulerRig } from '../unit/dispatch/scheduler-rig';
import { countPutTasks } from './support/accepted-prompts';

let rig: SchedulerRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Two jobs; the first was given its identity by a run that died before the reply. */
async function crashedBeforeReply(options: Partial<RigOptions> = {}) {
  rig = await schedulerRig({ edition: 'queue', sim: { stepMs: 1 }, ...options });
  const puts = countPutTasks(rig.sim);
  const { batch, jobIds } = queueBatch(rig.ledger, {
    serviceId: SERVICE,
    workflow: starterWorkflow(),
    spec: { seeds: { mode: 'random' }, countPerPrompt: 2 },
  });
  const [crashed, untouched] = jobIds;
  if (crashed === undefined || untouched === undefined) throw new Error('expected two jobs');
  expect(rig.ledger.assignIdentity(crashed, 'task-before-crash')).toBe(true);
  expect(rig.ledger.getJob(crashed)?.duplicatePossible).toBe(false);
  return { rig, puts, batchId: batch.id, crashed, untouched };
}

describe('a queue-edition job caught in submitting by a crash', () => {
  it('is sent once more, unmarked, when neither the input queue nor the sink holds its task_id', async () => {
    const { rig, puts, batchId, crashed } = await crashedBeforeReply();
    await rig.scheduler.wake(SERVICE);
    await rig.settled(batchId);
    expect(rig.ledger.getJob(crashed)).toMatchObject({
      state: 'succeeded',
      identity: 'task-before-crash',
      duplicatePossible: false,
    });
    expect(puts.get('task-before-crash')).toBe(1);
  });

  it('is adopted, not sent again, when the service already holds its task_id', async () => {
    const { rig, puts, crashed } = await crashedBeforeReply({ sim: { stepMs: 1, workers: 0 } });
    // The put of the run that died reached the input queue; its reply (the index) never came back.
    rig.sim.queue.input.put(Buffer.from(JSON.stringify(starterWorkflow())), { task_id: 'task-before-crash' });
    await rig.scheduler.wake(SERVICE);
    await rig.change((change) => change.id === crashed && change.state === 'queued');
    expect(puts.get('task-before-crash')).toBe(1);
    expect(rig.ledger.getJob(crashed)).toMatchObject({ state: 'queued', duplicatePossible: false });
  });

  it('is marked duplicate-possible in the ledger and in the job DTO when the service cannot tell', async () => {
    const { rig, batchId, crashed, untouched } = await crashedBeforeReply({
      // A service that refuses the task_id filter answers neither yes nor no.
      wrap: (target) => ({
        ...target,
        edition: Object.assign(Object.create(target.edition) as typeof target.edition, {
          lookup: () => Promise.resolve({ state: 'unknown' as const }),
        }),
      }),
    });
    await rig.scheduler.wake(SERVICE);
    await rig.change((change) => change.id === crashed && change.duplicatePossible === true);
    await rig.settled(batchId);

    const { ledger } = rig;
    expect(ledger.getJob(crashed)).toMatchObject({
      state: 'succeeded',
      identity: 'task-before-crash',
      duplicatePossible: true,
    });
    expect(ledger.getJob(untouched)).toMatchObject({ state: 'succeeded', duplicatePossible: false });
    // What a reloaded Queue page reads: the page of jobs, through the contract's schema.
    const page = ledger.pageJobs({ filters: { batchId }, limit: 10 });
    const dtos = page.jobs.map((job) => JobDtoSchema.parse(toJobDto(job)));
    expect(dtos.find((job) => job.id === crashed)?.duplicatePossible).toBe(true);
    expect(dtos.find((job) => job.id === untouched)?.duplicatePossible).toBe(false);
  });
});
