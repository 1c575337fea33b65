// A pool batch in the ledger: jobs stored unassigned, claimed by a member in the transaction that writes their
// identity, given back only when the member provably never got them, and resumed on their member after a restart.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { starterWorkflow } from '../../../main/comfy/starter';
import type { NewMember } from '../../../main/ledger/ledger';
import { ledgerRig, type LedgerRig } from './ledger-rig';

let rig: LedgerRig;
beforeEach(() => {
  rig = ledgerRig();
});
afterEach(() => rig.cleanup());

const active = (...ids: string[]): NewMember[] => ids.map((serviceId) => ({ serviceId, state: 'active' }));

function queuePool(members: readonly NewMember[], count: number): { batchId: string; jobIds: string[] } {
  const { batch, jobIds } = rig.ledger.createBatch({
    serviceId: '',
    members,
    label: 'pool',
    spec: {},
    workflow: starterWorkflow(),
    patches: Array.from({ length: count }, (_, n) => ({ '3.seed': n + 1 })),
  });
  return { batchId: batch.id, jobIds };
}

describe('a pool batch in the ledger', () => {
  it('stores its jobs unassigned and hands them to each active member, in queue order', () => {
    const { batchId, jobIds } = queuePool(active('a', 'b'), 4);
    expect(rig.ledger.getJob(jobIds[0] ?? '')?.serviceId).toBe(`pool:${batchId}`);
    expect(rig.ledger.nextPending('a', 10).map((job) => job.id)).toEqual(jobIds);
    expect(rig.ledger.nextPending('b', 2).map((job) => job.id)).toEqual(jobIds.slice(0, 2));
    expect(rig.ledger.nextPending('c', 10)).toEqual([]);
  });

  it('lets one member claim a job in the write of its identity, and no other after it', () => {
    const { jobIds } = queuePool(active('a', 'b'), 2);
    const [first = '', second = ''] = jobIds;
    expect(rig.ledger.assignIdentity(first, 'id-a', 'a')).toBe(true);
    expect(rig.ledger.assignIdentity(first, 'id-a', 'b')).toBe(false);
    expect(rig.ledger.getJob(first)).toMatchObject({ serviceId: 'a', state: 'submitting', identity: 'id-a' });
    expect(rig.ledger.findJobByIdentity('a', 'id-a')?.id).toBe(first);
    // Claimed, it is the member's own job and no longer offered to the others.
    expect(rig.ledger.nextPending('b', 10).map((job) => job.id)).toEqual([second]);
    expect(rig.ledger.unfinishedJobs('a').map((job) => job.id)).toEqual([first]);
  });

  it('refuses an unassigned pool job to a lane that names no service, and to a member that left', () => {
    const { batchId, jobIds } = queuePool([...active('a'), { serviceId: 'b', state: 'left' }], 1);
    const job = jobIds[0] ?? '';
    expect(rig.ledger.assignIdentity(job, 'x')).toBe(false);
    expect(rig.ledger.assignIdentity(job, 'x', 'b')).toBe(false);
    expect(rig.ledger.nextPending('b', 10)).toEqual([]);
    rig.ledger.pools((pools) => pools.setMemberState(batchId, 'a', 'drained'));
    expect(rig.ledger.nextPending('a', 10)).toEqual([]);
    expect(rig.ledger.assignIdentity(job, 'x', 'a')).toBe(false);
  });

  it('takes the member’s own jobs before pool jobs', () => {
    const pooled = queuePool(active('a', 'b'), 2);
    const own = rig.ledger.createBatch({
      serviceId: 'a',
      label: 'own',
      spec: {},
      workflow: starterWorkflow(),
      patches: [{ '3.seed': 9 }],
    });
    expect(rig.ledger.nextPending('a', 2).map((job) => job.id)).toEqual([own.jobIds[0], pooled.jobIds[0]]);
  });

  it('gives a job back with a fresh identity and its seed, only while no service accepted it', () => {
    const { batchId, jobIds } = queuePool(active('a', 'b'), 2);
    const [sent = '', accepted = ''] = jobIds;
    rig.ledger.assignIdentity(sent, 'id-1', 'a');
    rig.ledger.assignIdentity(accepted, 'id-2', 'a');
    rig.ledger.markQueued(accepted, { identity: 'id-2' });
    expect(rig.ledger.returnToPool(accepted, 'a')).toBe(false);
    expect(rig.ledger.returnToPool(sent, 'b')).toBe(false);
    expect(rig.ledger.returnToPool(sent, 'a')).toBe(true);
    expect(rig.ledger.getJob(sent)).toMatchObject({
      serviceId: `pool:${batchId}`,
      state: 'pending',
      identity: null,
      params: { '3.seed': 1 },
    });
    expect(rig.ledger.assignIdentity(sent, 'id-3', 'b')).toBe(true);
    expect(rig.ledger.getJob(accepted)?.serviceId).toBe('a');
  });

  it('never gives back a job of a batch sent to one service', () => {
    const { jobIds } = rig.queue(['one']);
    const job = jobIds[0] ?? '';
    expect(rig.ledger.assignIdentity(job, 'id', 'svc-a')).toBe(true);
    expect(rig.ledger.returnToPool(job, 'svc-a')).toBe(false);
    expect(rig.ledger.getJob(job)?.identity).toBe('id');
  });

  it('puts a pool job the artist retries back in the pool', () => {
    const { batchId, jobIds } = queuePool(active('a', 'b'), 1);
    const job = jobIds[0] ?? '';
    rig.ledger.assignIdentity(job, 'id', 'a');
    rig.ledger.markFailed(job, { kind: 'service', message: 'no' });
    expect(rig.ledger.retryJob(job)).toBe(true);
    expect(rig.ledger.getJob(job)).toMatchObject({ serviceId: `pool:${batchId}`, identity: null });
  });

  it('keeps members, their reasons and every assignment across a restart', () => {
    const reason = { message: 'lacks a node', coded: { code: 'pool-member-gone' as const, params: {} } };
    const { batchId, jobIds } = queuePool([...active('a', 'b'), { serviceId: 'c', state: 'left', reason }], 3);
    rig.ledger.assignIdentity(jobIds[0] ?? '', 'id-1', 'b');
    const ledger = rig.reopen();
    expect(
      ledger
        .pools((pools) => pools.members(batchId))
        .map(({ serviceId, state, reason: why }) => [serviceId, state, why]),
    ).toEqual([
      ['a', 'active', null],
      ['b', 'active', null],
      ['c', 'left', { kind: 'validation', message: 'lacks a node', code: 'pool-member-gone', params: {} }],
    ]);
    expect(ledger.unfinishedJobs('b').map((job) => job.id)).toEqual([jobIds[0]]);
    expect(ledger.nextPending('a', 10).map((job) => job.id)).toEqual(jobIds.slice(1));
    expect(ledger.batchSummary(batchId).members).toHaveLength(3);
  });

  it('refuses a pool with no member able to run it, or one service named twice', () => {
    expect(() => queuePool([{ serviceId: 'a', state: 'left' }], 1)).toThrow(/None of the services/);
    expect(() => queuePool(active('a', 'a'), 1)).toThrow(/named once/);
    expect(rig.ledger.pageBatches(10)).toEqual([]);
  });
});
