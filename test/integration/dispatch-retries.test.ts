// Only what may succeed is sent again, within a budget of attempts and time, and every retry, give-up and pause is
// reported: the job change carries the attempt and the reason, the connection report says why a service waits.
import { describe, expect, it } from 'vitest';
import type { ConnectionReport, JobChange } from '../../main/dispatch/scheduler';
import { closingRigs } from './support/scheduler-rigs';

const rigFor = closingRigs();

describe('retries of failed sends', () => {
  it('sends a prompt ComfyUI answered with 500 once: the same body gets the same answer', async () => {
    const rig = await rigFor({ edition: 'exclusive', sim: { stepMs: 1 } });
    let submits = 0;
    rig.sim.exclusive.queue.submit = () => {
      submits += 1;
      return { status: 500 };
    };
    const { batchId, jobIds } = await rig.queue(1);
    await rig.settled(batchId);

    expect(submits).toBe(1);
    expect(rig.ledger.getJob(jobIds[0] ?? '')).toMatchObject({ state: 'failed', attempts: 1 });
    // Main's sentence is kept as a code with its values too, so the Queue words it in the artist's language.
    expect(rig.ledger.getJob(jobIds[0] ?? '')?.error).toMatchObject({
      kind: 'service',
      message: expect.stringContaining('HTTP 500') as string,
      code: 'service-workflow-unreadable',
      params: { status: 500 },
    });
    const failed = await rig.change((change) => change.state === 'failed');
    expect(failed).toMatchObject({ attempt: 1, reason: expect.stringContaining('HTTP 500') as string });
    expect(failed.retryAt).toBeUndefined();
  });

  it('gives a job up after its budget, pauses a service that stays unavailable, and resumes once it answers', async () => {
    const reports: ConnectionReport[] = [];
    const rig = await rigFor({
      edition: 'queue',
      sim: { stepMs: 1 },
      settings: { concurrency: 1 },
      scheduler: {
        retry: { baseMs: 20, maxMs: 100, maxAttempts: 3, withinMs: 60_000 },
        onConnection: (report) => reports.push(report),
      },
    });
    const warmUp = await rig.queue(1);
    await rig.settled(warmUp.batchId);
    await rig.sim.queue.stop();
    const { batchId, jobIds } = await rig.queue(4);
    const [first] = jobIds;

    const givenUp = await rig.change((change) => change.id === first && change.state === 'failed');
    expect(givenUp).toMatchObject({ attempt: 3, reason: expect.stringContaining('503') as string });
    expect(rig.ledger.getJob(first ?? '')?.error?.message).toContain('Given up after 3 sends');
    expect(rig.ledger.getJob(first ?? '')?.error?.params).toMatchObject({ status: 503, givenUpSends: 3 });
    const retries = rig.changes.filter((change: JobChange) => change.id === first && change.retryAt !== undefined);
    expect(retries.map((change) => change.attempt)).toEqual([1, 2]);
    const paused = reports.find((report) => report.dispatchPaused);
    expect(paused).toMatchObject({ code: 'service-unreachable', message: expect.stringContaining('503') as string });
    // The other jobs wait instead of failing one after another: none was sent into the outage.
    const others = jobIds.slice(1).map((id) => rig.ledger.getJob(id));
    expect(others.map((job) => job?.state)).toEqual(['pending', 'pending', 'pending']);
    expect(others.map((job) => job?.attempts)).toEqual([0, 0, 0]);

    rig.sim.queue.start();
    await rig.settled(batchId, 30_000);
    expect(rig.ledger.batchSummary(batchId).counts).toMatchObject({ failed: 1, succeeded: 3 });
    expect(reports.at(-1)?.dispatchPaused).toBe(false);
  });
});
