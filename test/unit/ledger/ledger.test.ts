import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseWorkflow } from '../../../main/comfy/workflow-parse';
import { starterWorkflow } from '../../../main/comfy/starter';
import { BadRequestError, NotFoundError, ValidationError } from '../../../main/errors';
import { ledgerRig, result, type LedgerRig } from './ledger-rig';

let rig: LedgerRig;
beforeEach(() => {
  rig = ledgerRig();
});
afterEach(() => {
  rig.cleanup();
});

describe('ledger: batches', () => {
  it('stores a batch of pending jobs in order, each with the workflow it will send', () => {
    const { batchId, jobIds } = rig.queue(['a fox', 'a whale', 'a moth']);
    const page = rig.ledger.pageJobs({ filters: { batchId } });
    expect(page.jobs.map((job) => [job.id, job.state, job.params['6.text']])).toEqual([
      [jobIds[0], 'pending', 'a fox'],
      [jobIds[1], 'pending', 'a whale'],
      [jobIds[2], 'pending', 'a moth'],
    ]);
    expect(rig.ledger.jobWorkflow(jobIds[1] ?? '')['6']?.inputs.text).toBe('a whale');
    expect(rig.ledger.getBatch(batchId)).toMatchObject({ serviceId: 'svc-a', total: 3, paused: false });
  });

  it('keeps a seed beyond 2^53 exact in the stored workflow and parameters', () => {
    const workflow = parseWorkflow('{"3":{"class_type":"KSampler","inputs":{"seed":18446744073709551615}}}');
    const { jobIds } = rig.ledger.createBatch({
      serviceId: 'svc-a',
      label: 'big seed',
      spec: { seeds: { mode: 'fixed', value: 18446744073709551615n } },
      jobs: [{ workflow, params: { '3.seed': 18446744073709551615n } }],
    });
    const id = jobIds[0] ?? '';
    rig.reopen();
    expect(rig.ledger.jobWorkflow(id)['3']?.inputs.seed).toBe(18446744073709551615n);
    expect(rig.ledger.getJob(id)?.params['3.seed']).toBe(18446744073709551615n);
  });

  it('refuses a batch without jobs or without a service', () => {
    expect(() => rig.ledger.createBatch({ serviceId: 'svc-a', label: '', spec: {}, jobs: [] })).toThrow(
      ValidationError,
    );
    const jobs = [{ workflow: starterWorkflow(), params: {} }];
    expect(() => rig.ledger.createBatch({ serviceId: ' ', label: '', spec: {}, jobs })).toThrow(/service/);
  });

  it('stores a batch of 10,000 jobs, all pending', () => {
    const workflow = starterWorkflow();
    const jobs = Array.from({ length: 10_000 }, (_, i) => ({ workflow, params: { '3.seed': i } }));
    const { batch } = rig.ledger.createBatch({ serviceId: 'svc-a', label: 'big', spec: {}, jobs });
    expect(rig.ledger.batchSummary(batch.id).counts.pending).toBe(10_000);
  });

  it('counts the jobs of a batch per state', () => {
    const { batchId, jobIds } = rig.queue(['a', 'b', 'c', 'd']);
    const [a = '', b = '', c = ''] = jobIds;
    rig.ledger.assignIdentity(a, 'task-a');
    rig.ledger.recordResult('svc-a', result('task-a'));
    rig.ledger.assignIdentity(b, 'task-b');
    rig.ledger.markCancelled(c);
    expect(rig.ledger.batchSummary(batchId).counts).toEqual({
      pending: 1,
      submitting: 1,
      queued: 0,
      running: 0,
      succeeded: 1,
      failed: 0,
      cancelled: 1,
      lost: 0,
    });
  });

  it('refuses a batch whose workflow left the library', () => {
    const jobs = [{ workflow: starterWorkflow(), params: {} }];
    const create = (): unknown =>
      rig.ledger.createBatch({ serviceId: 'svc-a', workflowId: 'gone', label: '', spec: {}, jobs });
    expect(create).toThrow(NotFoundError);
    expect(rig.ledger.pageBatches(10)).toEqual([]);
  });

  it('lists batches newest first, a page at a time', () => {
    const ids = ['a', 'b', 'c'].map((prompt) => {
      rig.clock.time += 1_000;
      return rig.queue([prompt]).batchId;
    });
    const first = rig.ledger.pageBatches(2);
    expect(first.map((batch) => batch.id)).toEqual([ids[2], ids[1]]);
    const last = first.at(-1);
    expect(rig.ledger.pageBatches(2, last).map((batch) => batch.id)).toEqual([ids[0]]);
  });

  it('removes a finished batch but keeps its images; refuses while a job is with the service', () => {
    const { batchId, jobIds } = rig.queue(['a', 'b']);
    const [a = '', b = ''] = jobIds;
    rig.ledger.assignIdentity(a, 'task-a');
    expect(() => rig.ledger.deleteBatch(batchId)).toThrow(/still with the service/);
    rig.ledger.recordResult('svc-a', result('task-a'));
    const [image] = rig.images({ state: 'pending' });
    rig.ledger.markCancelled(b);
    expect(rig.ledger.deleteBatch(batchId)).toBe(true);
    expect(rig.ledger.getJob(a)).toBeUndefined();
    expect(rig.images({ state: 'pending' })).toEqual([{ ...image, jobId: null }]);
    expect(rig.ledger.recordResult('svc-a', result('task-a')).isNew).toBe(false);
    expect(rig.ledger.deleteBatch(batchId)).toBe(false);
  });

  it('cancels the jobs of a batch that were not sent, leaving sent ones to the service', () => {
    const { batchId, jobIds } = rig.queue(['a', 'b', 'c']);
    rig.ledger.assignIdentity(jobIds[0] ?? '', 'task-a');
    expect(rig.ledger.cancelPendingJobs(batchId)).toBe(2);
    expect(rig.ledger.batchSummary(batchId).counts).toMatchObject({ submitting: 1, cancelled: 2 });
  });
});

describe('ledger: identity before submit', () => {
  it('writes the identity and submitting state before the request, and both survive a restart', () => {
    const { jobIds } = rig.queue(['a']);
    const id = jobIds[0] ?? '';
    expect(rig.ledger.assignIdentity(id, 'task-1')).toBe(true);
    rig.reopen();
    expect(rig.ledger.getJob(id)).toMatchObject({ state: 'submitting', identity: 'task-1', attempts: 1 });
    expect(rig.ledger.findJobByIdentity('svc-a', 'task-1')?.id).toBe(id);
    expect(rig.ledger.unfinishedJobs().map((job) => job.id)).toEqual([id]);
  });

  it('does not hand an identity to a job cancelled meanwhile, so it is never sent', () => {
    const { jobIds } = rig.queue(['a']);
    const id = jobIds[0] ?? '';
    rig.ledger.markCancelled(id);
    expect(rig.ledger.assignIdentity(id, 'task-1')).toBe(false);
    expect(rig.ledger.getJob(id)).toMatchObject({ state: 'cancelled', identity: null });
  });

  it('retries a transient failure later under the same identity, and refuses a different one', () => {
    const { jobIds } = rig.queue(['a']);
    const id = jobIds[0] ?? '';
    rig.ledger.assignIdentity(id, 'task-1');
    const retryAt = rig.clock.time + 5_000;
    expect(rig.ledger.markFailed(id, { kind: 'network', message: 'The service did not answer.' }, retryAt)).toBe(true);
    expect(rig.ledger.getJob(id)).toMatchObject({ state: 'pending', identity: 'task-1', nextAttemptAt: retryAt });
    expect(rig.ledger.nextPending('svc-a', 10)).toEqual([]);
    expect(rig.ledger.nextRetryAt('svc-a')).toBe(retryAt);
    rig.clock.time = retryAt;
    expect(rig.ledger.nextPending('svc-a', 10).map((job) => job.identity)).toEqual(['task-1']);
    expect(() => rig.ledger.assignIdentity(id, 'task-2')).toThrow(BadRequestError);
    expect(rig.ledger.assignIdentity(id, 'task-1')).toBe(true);
    expect(rig.ledger.getJob(id)).toMatchObject({ state: 'submitting', attempts: 2, nextAttemptAt: null });
  });

  it('refuses an identity that another job of the service already has', () => {
    const { jobIds } = rig.queue(['a', 'b']);
    rig.ledger.assignIdentity(jobIds[0] ?? '', 'task-1');
    expect(() => rig.ledger.assignIdentity(jobIds[1] ?? '', 'task-1')).toThrow(/another job/);
    const other = rig.queue(['c'], 'svc-b');
    expect(rig.ledger.assignIdentity(other.jobIds[0] ?? '', 'task-1')).toBe(true);
  });
});

describe('ledger: results', () => {
  function sent(prompt = 'a'): string {
    const id = rig.queue([prompt]).jobIds[0] ?? '';
    rig.ledger.assignIdentity(id, `task-${id}`);
    rig.ledger.markQueued(id, { identity: `task-${id}`, queueIndex: 7 });
    return id;
  }

  it('moves a job through queued and running to succeeded, with its images and prompt fields', () => {
    const id = sent('a red fox');
    expect(rig.ledger.getJob(id)).toMatchObject({ state: 'queued', queueIndex: 7 });
    rig.clock.time += 1_000;
    expect(rig.ledger.markRunning(id)).toBe(true);
    rig.clock.time += 1_000;
    const outcome = rig.ledger.recordResult('svc-a', result(`task-${id}`), { sinkIndex: 12 });
    expect(outcome).toEqual({ isNew: true, jobId: id, state: 'succeeded', external: false });
    const job = rig.ledger.getJob(id);
    expect(job).toMatchObject({ state: 'succeeded', error: null, finishedAt: rig.clock.time });
    expect(rig.images({ jobId: id })).toMatchObject([
      { filename: `task-${id}_00001_.png`, state: 'pending', positive: 'a red fox', negative: 'text, watermark' },
    ]);
  });

  it('applies a redelivered result only once', () => {
    const id = sent();
    expect(rig.ledger.recordResult('svc-a', result(`task-${id}`)).isNew).toBe(true);
    rig.reopen();
    expect(rig.ledger.recordResult('svc-a', result(`task-${id}`))).toEqual({
      isNew: false,
      jobId: id,
      state: 'succeeded',
      external: false,
    });
    expect(rig.images({ jobId: id })).toHaveLength(1);
  });

  it('ends a job failed with the service message when its result is a failure', () => {
    const id = sent();
    rig.ledger.recordResult('svc-a', result(`task-${id}`, 'KSampler: out of memory'));
    expect(rig.ledger.getJob(id)).toMatchObject({
      state: 'failed',
      error: { kind: 'service', message: 'KSampler: out of memory' },
    });
  });

  it('shows the images of a job cancelled too late (its result succeeded) but keeps an interrupted one cancelled', () => {
    const late = sent('late');
    rig.ledger.markCancelled(late);
    expect(rig.ledger.recordResult('svc-a', result(`task-${late}`)).state).toBe('succeeded');
    expect(rig.images({ jobId: late })).toHaveLength(1);
    const interrupted = sent('interrupted');
    rig.ledger.markCancelled(interrupted);
    const outcome = rig.ledger.recordResult('svc-a', result(`task-${interrupted}`, 'Interrupted'));
    expect(outcome).toMatchObject({ isNew: true, state: 'cancelled' });
  });

  it('lets a late result settle a job that was given up as lost', () => {
    const id = sent();
    expect(rig.ledger.markLost(id, 'No result after 30 minutes.')).toBe(true);
    expect(rig.ledger.recordResult('svc-a', result(`task-${id}`)).state).toBe('succeeded');
  });

  it('keeps a result nobody here asked for as external, once', () => {
    const outcome = rig.ledger.recordResult('svc-a', result('someone-else'));
    expect(outcome).toEqual({ isNew: true, jobId: null, state: null, external: true });
    expect(rig.ledger.recordExternalResult('svc-a', result('someone-else')).isNew).toBe(false);
    expect(rig.ledger.recordExternalResult('svc-a', result('another')).isNew).toBe(true);
  });

  it('lists results newest first, external ones marked, and the results of a job', () => {
    const id = sent();
    rig.ledger.recordResult('svc-a', result(`task-${id}`), { sinkIndex: 5 });
    rig.ledger.recordResult('svc-a', result('foreign-1'));
    rig.ledger.recordResult('svc-b', result('foreign-2'));
    expect(rig.ledger.pageResults({ limit: 10 }).map((r) => [r.identity, r.external])).toEqual([
      ['foreign-2', true],
      ['foreign-1', true],
      [`task-${id}`, false],
    ]);
    const external = rig.ledger.pageResults({ serviceId: 'svc-a', external: true, limit: 10 });
    expect(external.map((r) => r.identity)).toEqual(['foreign-1']);
    const [first] = rig.ledger.pageResults({ limit: 1 });
    expect(rig.ledger.pageResults({ limit: 10, beforeId: first?.id ?? 0 })).toHaveLength(2);
    expect(rig.ledger.resultsOfJob(id)).toMatchObject([
      { sinkIndex: 5, jobId: id, outputs: [{ node: '9', filename: `task-${id}_00001_.png` }], error: null },
    ]);
  });
});

describe('ledger: guarded transitions', () => {
  it('ignores events that arrive after the job has finished', () => {
    const id = rig.queue(['a']).jobIds[0] ?? '';
    rig.ledger.assignIdentity(id, 'task-1');
    rig.ledger.recordResult('svc-a', result('task-1'));
    expect(rig.ledger.markQueued(id, { identity: 'task-1', queueIndex: 3 })).toBe(false);
    expect(rig.ledger.markRunning(id)).toBe(false);
    expect(rig.ledger.markCancelled(id)).toBe(false);
    expect(rig.ledger.markFailed(id, { kind: 'network', message: 'late' })).toBe(false);
    expect(rig.ledger.markLost(id, 'late')).toBe(false);
    expect(rig.ledger.getJob(id)).toMatchObject({ state: 'succeeded', queueIndex: null });
  });

  it('keeps the queue index of a submit reply that arrives after the job started', () => {
    const id = rig.queue(['a']).jobIds[0] ?? '';
    rig.ledger.assignIdentity(id, 'task-1');
    rig.ledger.markRunning(id);
    expect(rig.ledger.markQueued(id, { identity: 'task-1', queueIndex: 9 })).toBe(false);
    expect(rig.ledger.getJob(id)).toMatchObject({ state: 'running', queueIndex: 9 });
    expect(rig.ledger.markQueued(id, { identity: 'stale', queueIndex: 10 })).toBe(false);
    expect(rig.ledger.getJob(id)?.queueIndex).toBe(9);
  });

  it('does not let a pending job run or be lost before it was sent', () => {
    const id = rig.queue(['a']).jobIds[0] ?? '';
    expect(rig.ledger.markRunning(id)).toBe(false);
    expect(rig.ledger.markLost(id, 'x')).toBe(false);
    expect(rig.ledger.markFailed(id, { kind: 'validation', message: 'Node 3 needs a model.' })).toBe(true);
    expect(rig.ledger.getJob(id)?.state).toBe('failed');
  });

  it('says so when a job does not exist', () => {
    expect(() => rig.ledger.markRunning('nope')).toThrow(NotFoundError);
    expect(rig.ledger.getJob('nope')).toBeUndefined();
  });

  it('retries a lost job under a new identity; a late result for the old one becomes external', () => {
    const id = rig.queue(['a']).jobIds[0] ?? '';
    rig.ledger.assignIdentity(id, 'task-1');
    rig.ledger.markLost(id, 'No result.');
    expect(rig.ledger.retryJob(id)).toBe(true);
    expect(rig.ledger.getJob(id)).toMatchObject({ state: 'pending', identity: null, error: null, attempts: 1 });
    expect(rig.ledger.assignIdentity(id, 'task-2')).toBe(true);
    expect(rig.ledger.recordResult('svc-a', result('task-1')).external).toBe(true);
    expect(rig.ledger.retryJob(id)).toBe(false);
  });

  it('shows progress at once, writes it coalesced, and clears it when the job ends', () => {
    const id = rig.queue(['a']).jobIds[0] ?? '';
    rig.ledger.assignIdentity(id, 'task-1');
    rig.ledger.markRunning(id);
    for (let step = 1; step <= 20; step++) rig.ledger.updateProgress(id, { value: step, max: 20 });
    expect(rig.ledger.getJob(id)?.progress).toEqual({ value: 20, max: 20 });
    rig.reopen();
    expect(rig.ledger.getJob(id)?.progress).toEqual({ value: 20, max: 20 });
    rig.ledger.recordResult('svc-a', result('task-1'));
    expect(rig.ledger.getJob(id)?.progress).toBeNull();
  });
});

describe('ledger: queue order', () => {
  it('hands out pending jobs of one service in order, skipping paused batches', () => {
    const first = rig.queue(['a1', 'a2']);
    rig.queue(['other'], 'svc-b');
    const second = rig.queue(['b1']);
    expect(rig.ledger.nextPending('svc-a', 10).map((job) => job.params['6.text'])).toEqual(['a1', 'a2', 'b1']);
    expect(rig.ledger.nextPending('svc-a', 1)[0]?.workflow['6']?.inputs.text).toBe('a1');
    expect(rig.ledger.pauseBatch(first.batchId)).toBe(true);
    expect(rig.ledger.pauseBatch(first.batchId)).toBe(false);
    expect(rig.ledger.nextPending('svc-a', 10).map((job) => job.batchId)).toEqual([second.batchId]);
    rig.ledger.resumeBatch(first.batchId);
    expect(rig.ledger.nextPending('svc-a', 10)).toHaveLength(3);
    expect(() => rig.ledger.pauseBatch('nope')).toThrow(NotFoundError);
  });

  it('moves a pending job before another, or to the end', () => {
    const { jobIds } = rig.queue(['a', 'b', 'c', 'd']);
    const [a = '', b = '', c = '', d = ''] = jobIds;
    const order = (): string[] => rig.ledger.nextPending('svc-a', 10).map((job) => job.id);
    expect(rig.ledger.reorder(d, b)).toBe(true);
    expect(order()).toEqual([a, d, b, c]);
    expect(rig.ledger.reorder(a, null)).toBe(true);
    expect(order()).toEqual([d, b, c, a]);
    expect(rig.ledger.reorder(c, d)).toBe(true);
    expect(order()).toEqual([c, d, b, a]);
  });

  it('keeps a total order when jobs are moved into the same gap many times', () => {
    const { jobIds } = rig.queue(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o']);
    const [first = '', ...rest] = jobIds;
    const second = rest[0] ?? '';
    // Each job in turn goes right before `second`: the gap before it halves every time and must be reopened.
    const moved = rest.slice(1);
    for (const id of moved) rig.ledger.reorder(id, second);
    const order = rig.ledger.nextPending('svc-a', 20).map((job) => job.id);
    expect(order).toEqual([first, ...moved, second]);
    expect(new Set(rig.ledger.pageJobs({}).jobs.map((job) => job.seq)).size).toBe(jobIds.length);
  });

  it('does not move a job that was sent, nor across services', () => {
    const { jobIds } = rig.queue(['a', 'b']);
    const other = rig.queue(['x'], 'svc-b');
    rig.ledger.assignIdentity(jobIds[0] ?? '', 'task-1');
    expect(rig.ledger.reorder(jobIds[0] ?? '', null)).toBe(false);
    expect(() => rig.ledger.reorder(jobIds[1] ?? '', other.jobIds[0] ?? '')).toThrow(BadRequestError);
  });
});

describe('ledger: recovery view', () => {
  it('lists the jobs a service may know of after a restart, and nothing finished or unsent', () => {
    const { jobIds } = rig.queue(['a', 'b', 'c', 'd', 'e']);
    const [a = '', b = '', c = '', d = ''] = jobIds;
    rig.ledger.assignIdentity(a, 'task-a');
    rig.ledger.assignIdentity(b, 'task-b');
    rig.ledger.markQueued(b, { identity: 'task-b', queueIndex: 4 });
    rig.ledger.assignIdentity(c, 'task-c');
    rig.ledger.markRunning(c);
    rig.ledger.assignIdentity(d, 'task-d');
    rig.ledger.recordResult('svc-a', result('task-d'));
    rig.reopen();
    expect(rig.ledger.unfinishedJobs().map((job) => [job.id, job.state, job.identity])).toEqual([
      [a, 'submitting', 'task-a'],
      [b, 'queued', 'task-b'],
      [c, 'running', 'task-c'],
    ]);
    expect(rig.ledger.unfinishedJobs('svc-b')).toEqual([]);
  });
});
