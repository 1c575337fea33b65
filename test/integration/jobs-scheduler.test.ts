// The scheduler against the simulator: concurrency, retries that keep the identity, final failures, pause/resume,
// reorder, and the per-job timeout.
import { describe, expect, it } from 'vitest';
import { starterWorkflow } from '../../main/comfy/starter';
import { queueBatch } from '../../main/batches/batch-queueing';
import type { ServiceTarget } from '../../main/editions/service-editions';
import { SERVICE, type SchedulerRig } from '../unit/dispatch/scheduler-rig';
import { closingRigs } from './support/scheduler-rigs';

const rig = closingRigs();

/** Counts submits per identity, so a test can tell a retry with the same identity from a new one. */
function countingSubmits(sent: Map<string, number>): (target: ServiceTarget) => ServiceTarget {
  return (target) => {
    const submit = target.edition.submit.bind(target.edition);
    target.edition.submit = (request) => {
      sent.set(request.identity, (sent.get(request.identity) ?? 0) + 1);
      return submit(request);
    };
    return target;
  };
}

describe('the scheduler', () => {
  it.each(['exclusive', 'queue'] as const)('runs a batch to the end on the %s edition', async (edition) => {
    const r = await rig({ edition });
    const { batchId, jobIds } = await r.queue(6);
    await r.settled(batchId);
    expect(r.ledger.batchSummary(batchId).counts.succeeded).toBe(6);
    for (const id of jobIds) expect(r.ledger.resultsOfJob(id)).toHaveLength(1);
  });

  it('keeps no more than the concurrency of prompts with an Exclusive service', async () => {
    let most = 0;
    const r: SchedulerRig = await rig({
      edition: 'exclusive',
      sim: { stepMs: 3 },
      settings: { concurrency: 2 },
      scheduler: {
        onJobChange: () => {
          most = Math.max(most, r.ledger.unfinishedJobs(SERVICE).length);
        },
      },
    });
    const { batchId } = await r.queue(8);
    await r.settled(batchId);
    expect(most).toBe(2);
    expect(r.ledger.batchSummary(batchId).counts.succeeded).toBe(8);
  });

  it.each(['exclusive', 'queue'] as const)(
    'retries 5xx replies on the %s edition with the same identity',
    async (edition) => {
      const sent = new Map<string, number>();
      const r = await rig({ edition, sim: { failRate: 0.3, seed: 7 }, wrap: countingSubmits(sent) });
      const { batchId, jobIds } = await r.queue(10);
      await r.settled(batchId, 30_000);
      const jobs = jobIds.map((id) => r.ledger.getJob(id));
      expect(jobs.filter((job) => job?.state !== 'succeeded').map((job) => [job?.attempts, job?.error])).toEqual([]);
      // Each job kept one identity through its retries, and some needed more than one attempt.
      expect(new Set(jobs.map((job) => job?.identity)).size).toBe(10);
      expect([...sent.keys()].every((identity) => jobs.some((job) => job?.identity === identity))).toBe(true);
      expect(jobs.some((job) => (job?.attempts ?? 0) > 1)).toBe(true);
    },
  );

  it('does not retry a workflow the service refuses', async () => {
    const sent = new Map<string, number>();
    const r = await rig({ edition: 'exclusive', wrap: countingSubmits(sent) });
    const { batchId, jobIds } = await r.queue(1, { set: { '3.sampler_name': 'no-such-sampler' } });
    await r.settled(batchId);
    const job = r.ledger.getJob(jobIds[0] ?? '');
    expect(job?.state).toBe('failed');
    expect(job?.error?.kind).toBe('validation');
    expect([...sent.values()]).toEqual([1]);
  });

  it('fails a job refused for its token, pauses the service and says so', async () => {
    const reports: { dispatchPaused: boolean; message?: string; code?: string }[] = [];
    const r = await rig({
      edition: 'exclusive',
      settings: { token: 'wrong-token', concurrency: 1 },
      scheduler: { onConnection: (report) => reports.push(report) },
    });
    const { batchId, jobIds } = await r.queue(3);
    await r.change((change) => change.state === 'failed');
    const failed = jobIds.map((id) => r.ledger.getJob(id)).filter((job) => job?.state === 'failed');
    expect(failed).toHaveLength(1);
    await r.scheduler.wake(SERVICE);
    expect(failed[0]?.error?.kind).toBe('auth');
    expect(r.ledger.batchSummary(batchId).counts.pending).toBe(2);
    expect(reports.some((report) => report.dispatchPaused && /token/i.test(report.message ?? ''))).toBe(true);
    // The code lets the Services and Queue pages word it in the artist's language.
    expect(reports.filter((report) => report.dispatchPaused).every((report) => report.code === 'token-refused')).toBe(
      true,
    );
  });

  it('holds a paused batch and sends it on resume', async () => {
    const r = await rig({ edition: 'exclusive' });
    const { batchId } = await r.queue(3, {});
    r.scheduler.pauseBatch(batchId);
    const second = await r.queue(2);
    await r.settled(second.batchId);
    expect(r.ledger.batchSummary(batchId).counts.pending).toBeGreaterThan(0);
    r.scheduler.resumeBatch(batchId);
    await r.settled(batchId);
    expect(r.ledger.batchSummary(batchId).counts.succeeded).toBe(3);
  });

  it('sends a reordered job first', async () => {
    const r = await rig({ edition: 'exclusive', settings: { concurrency: 1 } });
    const { batch, jobIds } = queueBatch(r.ledger, {
      serviceId: SERVICE,
      workflow: starterWorkflow(),
      spec: { seeds: { mode: 'random' }, countPerPrompt: 4 },
    });
    r.scheduler.pauseBatch(batch.id);
    const [first = '', , , last = ''] = jobIds;
    expect(r.scheduler.reorder(last, first)).toBe(true);
    r.scheduler.resumeBatch(batch.id);
    await r.settled(batch.id);
    const sent = jobIds
      .map((id) => r.ledger.getJob(id))
      .sort((a, b) => (a?.submittedAt ?? 0) - (b?.submittedAt ?? 0) || (a?.finishedAt ?? 0) - (b?.finishedAt ?? 0));
    expect(sent[0]?.id).toBe(last);
  });

  it('declares a job lost when its time is up and the service no longer knows it, and lets the artist retry it', async () => {
    const r = await rig({ edition: 'exclusive', sim: { stepMs: 100 }, scheduler: { jobTimeoutMs: 400 } });
    const { batchId, jobIds } = await r.queue(1);
    const id = jobIds[0] ?? '';
    await r.change((change) => change.id === id && change.state === 'running');
    // A restart that loses ComfyUI's queue and history: the prompt is gone without a result.
    await r.sim.exclusive.simulateRestart(20, { loseState: true });
    await r.change((change) => change.id === id && change.state === 'lost');
    expect(r.ledger.getJob(id)?.error).toMatchObject({
      message: expect.stringMatching(/Retry it/) as string,
      code: 'job-lost',
      params: { minutes: 1 },
    });
    r.scheduler.retry(id);
    await r.settled(batchId);
    expect(r.ledger.getJob(id)).toMatchObject({ state: 'succeeded', error: null });
  });

  it('gives a job the service still runs another period instead of declaring it lost', async () => {
    const r = await rig({ edition: 'exclusive', sim: { stepMs: 40 }, scheduler: { jobTimeoutMs: 200 } });
    const { batchId, jobIds } = await r.queue(1);
    await r.settled(batchId);
    expect(r.ledger.getJob(jobIds[0] ?? '')?.state).toBe('succeeded');
    expect(r.changes.some((change) => change.state === 'lost')).toBe(false);
  });
});
