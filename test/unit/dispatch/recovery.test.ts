// Restart recovery's decisions, job by job: followed, adopted from the service, resent with the same identity (and
// flagged as a possible duplicate where a lookup cannot be conclusive), or failed like a send when the service
// cannot be asked.
import { describe, expect, it } from 'vitest';
import type { RemoteJobState } from '../../../main/editions/edition';
import type { JobRecord } from '../../../main/ledger/ledger';
import { recoverJobs, type RecoveryOps } from '../../../main/dispatch/recovery';
import { NetworkError } from '../../../main/errors';

function job(id: string, state: JobRecord['state'], identity: string | null = `p-${id}`): JobRecord {
  return {
    id,
    batchId: 'b',
    serviceId: 's',
    seq: 0,
    state,
    identity,
    params: {},
    attempts: 1,
    error: null,
    queueIndex: null,
    progress: null,
    createdAt: 0,
    submittedAt: 0,
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    duplicatePossible: false,
    texts: [],
  };
}

function recorder(remote: Record<string, RemoteJobState | Error>) {
  const log: string[] = [];
  const ops: RecoveryOps = {
    lookup: (j) => {
      const answer = remote[j.id] ?? { state: 'unknown' };
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
    adopt: (j, r) => {
      if (r.state === 'unknown') return false;
      log.push(`adopt ${j.id} ${r.state}`);
      return true;
    },
    resend: (j, duplicatePossible) => {
      log.push(`resend ${j.id} ${j.identity ?? ''}${duplicatePossible ? ' duplicate-possible' : ''}`);
      return Promise.resolve();
    },
    follow: (j) => log.push(`follow ${j.id}`),
    failed: (j, error) => log.push(`failed ${j.id} ${error instanceof Error ? error.message : ''}`),
  };
  return { ops, log };
}

describe('recovery', () => {
  it('follows sent jobs, adopts what the service knows and resends the rest with the same identity', async () => {
    const { ops, log } = recorder({ b: { state: 'running' }, c: { state: 'unknown' }, d: new NetworkError('down') });
    await recoverJobs(
      [job('a', 'queued'), job('b', 'submitting'), job('c', 'submitting'), job('d', 'submitting')],
      ops,
      {
        lookupIsConclusive: true,
        parallel: 1,
      },
    );
    expect(log).toEqual(['follow a', 'adopt b running', 'resend c p-c', 'failed d down']);
  });

  it('flags a resend as a possible duplicate where the lookup cannot see taken tasks (queue edition)', async () => {
    const { ops, log } = recorder({});
    await recoverJobs([job('c', 'submitting')], ops, { lookupIsConclusive: false });
    expect(log).toEqual(['resend c p-c duplicate-possible']);
  });
});
