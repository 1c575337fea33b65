// Job changes on their way to the renderer: coalesced per job, flushed at most once per interval with the summaries
// of the batches they touched; a finished batch announced once; overall progress for the dock.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../../preload/contract';
import { EventHub } from '../../../main/contract/event-hub';
import { JobFeed } from '../../../main/dispatch/job-feed';
import type { BatchSummary } from '../../../main/ledger/ledger';
import { ledgerRig, result, type LedgerRig } from '../ledger/ledger-rig';

let rig: LedgerRig;
afterEach(() => rig.cleanup());

function setup(intervalMs = 60_000) {
  rig = ledgerRig();
  const events = new EventHub();
  const seen: { event: EventName; payload: unknown }[] = [];
  events.subscribe((event, payload) => seen.push({ event, payload }));
  const finished: BatchSummary[] = [];
  const progress: (number | null)[] = [];
  const feed = new JobFeed({
    ledger: rig.ledger,
    events,
    intervalMs,
    onBatchFinished: (summary) => finished.push(summary),
    onProgress: (fraction) => progress.push(fraction),
  });
  return { feed, seen, finished, progress };
}

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the job feed', () => {
  it('sends a change after a quiet spell on the next turn, and coalesces the burst that follows', async () => {
    const { feed, seen } = setup(60_000);
    const { batchId, jobIds } = rig.queue(['a']);
    const [a = ''] = jobIds;
    feed.push({ id: a, batchId, serviceId: 'svc-a', state: 'queued' });
    feed.push({ id: a, batchId, serviceId: 'svc-a', state: 'running' });
    await nextTurn();
    expect(seen.filter((e) => e.event === 'jobs.changed')).toHaveLength(1);
    feed.push({ id: a, batchId, serviceId: 'svc-a', state: 'succeeded' });
    await nextTurn();
    // Within the interval of the last flush: held back until the interval ends (or an explicit flush).
    expect(seen.filter((e) => e.event === 'jobs.changed')).toHaveLength(1);
    feed.close();
    expect(seen.filter((e) => e.event === 'jobs.changed')).toHaveLength(2);
  });

  it('sends the latest state of each job once per flush, merged with what changed before', () => {
    const { feed, seen } = setup();
    const { batchId, jobIds } = rig.queue(['a', 'b']);
    const [a = '', b = ''] = jobIds;
    for (let value = 1; value <= 50; value++) {
      feed.push({ id: a, batchId, serviceId: 'svc-a', state: 'running', progress: { value, max: 50 } });
    }
    feed.push({ id: b, batchId, serviceId: 'svc-a', state: 'queued', position: 3 });
    feed.push({ id: b, batchId, serviceId: 'svc-a', state: 'running' });
    expect(seen).toHaveLength(0);
    feed.flush();
    const jobs = seen.filter((e) => e.event === 'jobs.changed');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.payload).toEqual({
      changes: [
        { id: a, batchId, serviceId: 'svc-a', state: 'running', progress: { value: 50, max: 50 } },
        { id: b, batchId, serviceId: 'svc-a', state: 'running', position: 3 },
      ],
    });
    expect(seen.filter((e) => e.event === 'batches.changed')).toHaveLength(1);
    feed.close();
  });

  it('announces a batch once when its last job settles, and clears the progress', () => {
    const { feed, finished, progress } = setup();
    const { batchId, jobIds } = rig.queue(['a', 'b']);
    const [a = '', b = ''] = jobIds;
    const finish = (id: string, identity: string): void => {
      rig.ledger.assignIdentity(id, identity);
      rig.ledger.recordResult('svc-a', result(identity));
      feed.push({ id, batchId, serviceId: 'svc-a', state: 'succeeded' });
      feed.flush();
    };
    finish(a, 'p-a');
    expect(progress.at(-1)).toBe(0.5);
    expect(finished).toHaveLength(0);
    finish(b, 'p-b');
    feed.push({ id: b, batchId, serviceId: 'svc-a', state: 'succeeded' });
    feed.flush();
    expect(finished.map((summary) => summary.counts.succeeded)).toEqual([2]);
    expect(progress.at(-1)).toBeNull();
    feed.close();
  });
});
