// The hold of a batch while its service starts: released only when EAS says Running with an instance up and the health
// check passes; a start that ends Failed (or never ends) leaves the batch held with the reason, never resumed.
import { describe, expect, it } from 'vitest';
import type { ServiceLifecycleDto } from '../../../preload/schemas/lifecycle';
import { isStarting, StartHolds } from '../../../main/lifecycle/start-holds';

const state = (status: string, running = 0, reason?: string): ServiceLifecycleDto => ({
  serviceId: 's1',
  status,
  settled: ['Running', 'Stopped', 'Failed'].includes(status),
  ...(reason ? { reason } : {}),
  running,
  pending: 0,
  total: 1,
  instances: [],
  jobsInFlight: 0,
  readAt: 0,
});

function holds(reads: ServiceLifecycleDto[], healthy: boolean[] = [true], waitMs = 60_000) {
  const resumed: string[] = [];
  /** The kept waits, as the ledger's start_holds would hold them: `batch service member|batch`. */
  const kept = new Set<string>();
  const members: string[] = [];
  let starts = 0;
  let now = 0;
  const made = new StartHolds({
    start: () => {
      starts++;
      return Promise.resolve(reads.shift() ?? state('Waiting'));
    },
    read: () => Promise.resolve(reads.shift() ?? state('Waiting')),
    healthy: () => Promise.resolve(healthy.shift() ?? true),
    resume: (batchId) => resumed.push(batchId),
    activateMember: (batchId, serviceId) => members.push(`${batchId} ${serviceId} active`),
    memberFailed: (batchId, serviceId, reason) => members.push(`${batchId} ${serviceId} ${reason}`),
    changed: () => undefined,
    now: () => (now += 1000),
    pollMs: 1,
    waitMs,
    store: {
      add: (hold) => kept.add(`${hold.batchId} ${hold.serviceId} ${hold.member ? 'member' : 'batch'}`),
      remove: (batchId, serviceId) => {
        for (const row of kept) {
          const [batch, service] = row.split(' ');
          if (batch === batchId && (serviceId === undefined || service === serviceId)) kept.delete(row);
        }
      },
      removeBatchHold: (batchId) => {
        for (const row of kept) if (row.startsWith(`${batchId} `) && row.endsWith(' batch')) kept.delete(row);
      },
    },
  });
  return { made, resumed, members, kept, starts: () => starts };
}

const settle = async (test: () => boolean) => {
  for (let i = 0; i < 200 && !test(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
};

describe('start holds', () => {
  it('resumes the batch only once the service runs and answers its health check', async () => {
    const { made, resumed } = holds(
      [state('Waiting'), state('Creating'), state('Running', 0), state('Running', 1), state('Running', 1)],
      [false, true],
    );
    made.begin('b1', 's1');
    await settle(() => resumed.length > 0);
    expect(resumed).toEqual(['b1']);
    expect(made.heldOf('b1')).toBeUndefined();
  });

  it('keeps the batch held with EAS reason when the start fails, and with a sentence when it takes too long', async () => {
    const failing = holds([state('Waiting'), state('Failed', 0, 'Insufficient GPU resources in the zone')]);
    failing.made.begin('b1', 's1');
    await settle(() => failing.made.heldOf('b1')?.state === 'failed');
    expect(failing.made.heldOf('b1')).toMatchObject({
      state: 'failed',
      reason: 'Insufficient GPU resources in the zone',
    });
    expect(failing.resumed).toEqual([]);

    const slow = holds([], [], 5_000);
    slow.made.begin('b2', 's1');
    await settle(() => slow.made.heldOf('b2')?.state === 'failed');
    expect(slow.made.heldOf('b2')?.reason).toMatch(/still not running after/);
    expect(slow.resumed).toEqual([]);
  });

  it('does not take a service that failed before for failed again just after the start was asked for', async () => {
    const { made, resumed } = holds([state('Failed', 0, 'old failure'), state('Waiting'), state('Running', 1)]);
    made.begin('b1', 's1');
    await settle(() => resumed.length > 0);
    expect(resumed).toEqual(['b1']);
  });

  it('lets a pool member join its batch once it answers, without holding the batch', async () => {
    const { made, resumed, members } = holds([state('Waiting'), state('Running', 1)]);
    made.beginMember('b1', 's1');
    expect(made.heldOf('b1')).toBeUndefined();
    await settle(() => members.length > 0);
    expect(members).toEqual(['b1 s1 active']);
    expect(resumed).toEqual([]);
  });

  it('leaves a member whose start failed out with the reason', async () => {
    const { made, members } = holds([state('Waiting'), state('Failed', 0, 'Insufficient GPU resources')]);
    made.beginMember('b1', 's1');
    await settle(() => members.length > 0);
    expect(members).toEqual(['b1 s1 Insufficient GPU resources']);
  });

  it('starts a service once for two batches that wait for it', async () => {
    const { made, resumed, members, starts } = holds([
      state('Stopped', 0),
      state('Waiting'),
      ...Array.from({ length: 4 }, () => state('Running', 1)),
    ]);
    made.begin('b1', 's1');
    made.beginMember('b2', 's1');
    await settle(() => resumed.length > 0 && members.length > 0);
    expect(starts()).toBe(1);
    expect(resumed).toEqual(['b1']);
    expect(members).toEqual(['b2 s1 active']);
  });

  it('forgets a member the artist steered by hand, and every hold of a cancelled batch', async () => {
    const { made, members } = holds([], [], 60_000);
    made.beginMember('b1', 's1');
    made.releaseMember('b1', 's1');
    made.begin('b2', 's2');
    made.beginMember('b2', 's3');
    made.release('b2');
    expect(made.heldOf('b2')).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(members).toEqual([]);
    made.close();
  });

  it('waits for a GPU already on its way without asking for a second start', async () => {
    const { made, members, starts } = holds([state('Waiting'), state('Running', 1)]);
    made.beginMember('b1', 's1', true);
    await settle(() => members.length > 0);
    expect(starts()).toBe(0);
    expect(members).toEqual(['b1 s1 active']);
    expect(isStarting('Waiting')).toBe(true);
    expect(isStarting('Scaling')).toBe(false);
  });

  it('does not start a service that is running already', async () => {
    const { made, resumed, starts } = holds([state('Running', 1), state('Running', 1)]);
    made.begin('b1', 's1');
    await settle(() => resumed.length > 0);
    expect(starts()).toBe(0);
    expect(resumed).toEqual(['b1']);
  });

  it('keeps each wait while it lasts, and a resume of the batch keeps its members waiting', () => {
    const { made, kept } = holds([], [], 60_000);
    made.begin('b1', 's1');
    made.beginMember('b2', 's2');
    made.beginMember('b2', 's3');
    expect([...kept].sort()).toEqual(['b1 s1 batch', 'b2 s2 member', 'b2 s3 member']);
    made.release('b2');
    made.release('b1');
    expect([...kept].sort()).toEqual(['b2 s2 member', 'b2 s3 member']);
    made.releaseMember('b2', 's2');
    made.release('b2', true);
    expect(kept.size).toBe(0);
    made.close();
  });

  it('takes up kept waits after a restart and lets them go once the service answers', async () => {
    const { made, resumed, members, kept, starts } = holds([
      state('Stopped', 0),
      state('Waiting'),
      ...Array.from({ length: 6 }, () => state('Running', 1)),
    ]);
    kept.add('b1 s1 batch').add('b2 s1 member');
    made.restore([
      { batchId: 'b1', serviceId: 's1', member: false, since: 5 },
      { batchId: 'b2', serviceId: 's1', member: true, since: 6 },
    ]);
    expect(made.heldOf('b1')).toMatchObject({ state: 'starting', since: 5 });
    await settle(() => resumed.length > 0 && members.length > 0);
    expect(resumed).toEqual(['b1']);
    expect(members).toEqual(['b2 s1 active']);
    expect(starts()).toBe(1);
    expect(kept.size).toBe(0);
  });
});
