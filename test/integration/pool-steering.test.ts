// Steering a batch while it runs, through the Studio's contract on real simulators: a service added to a running
// batch takes a share of what is not sent yet (a batch sent to one service becomes a pool); a job pinned to one
// member runs there; a pool whose member's GPU is stopped starts it, works on the others meanwhile, and lets it join.
// Every job is counted on the simulators: each one is accepted exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobDto } from '../../preload/schemas/jobs';
import type { Studio } from '../../main/studio';
import { simControlSettings } from '../sim/control-settings';
import { startSimulator, type Simulator } from '../sim/index';
import { countAcceptedPrompts } from './support/accepted-prompts';
import { nodeStudio } from './support/node-studio';
import { studioCalls } from './support/studio-call';

let first: Simulator;
let second: Simulator;
let dir: string;
let studio: Studio;

beforeEach(async () => {
  [first, second] = await Promise.all([
    startSimulator({ stepMs: 15, controlDelays: { placementMs: 400, stopMs: 20, removalMs: 10 } }),
    startSimulator({ stepMs: 15 }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'artlab-pool-steering-'));
  studio = nodeStudio(dir, { controlEndpoint: () => ({ endpoint: first.info.control.endpoint, protocol: 'http' }) });
});
afterEach(async () => {
  await studio.close();
  await Promise.all([first.close(), second.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const { call, failure } = studioCalls(() => studio);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function services(options: { controlFirst?: boolean } = {}) {
  const a = await call('services.create', {
    name: 'A',
    url: first.info.exclusive.url,
    token: first.info.exclusive.token,
    ...(options.controlFirst ? { control: simControlSettings(first.info) } : {}),
  });
  const b = await call('services.create', {
    name: 'B',
    url: second.info.exclusive.url,
    token: second.info.exclusive.token,
  });
  return { a: a.id, b: b.id };
}

async function starterId(): Promise<string> {
  const starter = (await call('workflows.list')).find((workflow) => workflow.source === 'starter');
  if (!starter) throw new Error('no starter');
  return starter.id;
}

async function finished(batchId: string) {
  let batch = await call('batches.get', { batchId });
  for (let i = 0; i < 800 && !batch.finished; i++) {
    await pause(25);
    batch = await call('batches.get', { batchId });
  }
  return batch;
}

const jobsOf = async (batchId: string): Promise<JobDto[]> =>
  (await call('jobs.page', { filters: { batchId }, limit: 200 })).jobs;

const spec = (count: number) => ({ prompts: ['a red fox'], seeds: { mode: 'random' as const }, countPerPrompt: count });

describe('adding a service to a running batch', () => {
  it('turns a batch sent to one service into a pool: the new one takes a share, each job runs once', async () => {
    const { a, b } = await services();
    const onA = countAcceptedPrompts(first);
    const onB = countAcceptedPrompts(second);
    const batch = await call('batches.queue', { serviceId: a, workflowId: await starterId(), spec: spec(24) });
    for (let i = 0; i < 200 && onA.size === 0; i++) await pause(5);

    const members = await call('batches.addMember', { batchId: batch.id, serviceId: b });
    expect(members.map((member) => [member.serviceId, member.state])).toEqual([
      [a, 'active'],
      [b, 'active'],
    ]);
    const done = await finished(batch.id);
    expect(done.counts.succeeded).toBe(24);
    expect(done.members?.map((member) => member.serviceId)).toEqual([a, b]);
    expect(onB.size).toBeGreaterThan(0);
    expect(onA.size + onB.size).toBe(24);
    expect([...onA.values(), ...onB.values()].every((times) => times === 1)).toBe(true);
    const owners = new Set((await jobsOf(batch.id)).map((job) => job.serviceId));
    expect([...owners].sort()).toEqual([a, b].sort());
  }, 60_000);

  it('refuses a service already there, an unknown one, and a finished batch, in words with a code', async () => {
    const { a, b } = await services();
    const batch = await call('batches.queue', { serviceId: a, workflowId: await starterId(), spec: spec(2) });
    expect(await failure('batches.addMember', { batchId: batch.id, serviceId: a })).toMatchObject({
      code: 'pool-member-already',
    });
    expect(await failure('batches.addMember', { batchId: batch.id, serviceId: 'no-such-service' })).toMatchObject({
      code: 'pool-member-gone',
    });
    await finished(batch.id);
    expect(await failure('batches.addMember', { batchId: batch.id, serviceId: b })).toMatchObject({
      code: 'batch-finished',
    });
  }, 30_000);
});

describe('pinning a job', () => {
  it('sends a pinned job to its member only, and gives pinned jobs back when that member is drained', async () => {
    const { a, b } = await services();
    const batch = await call('batches.queue', { serviceIds: [a, b], workflowId: await starterId(), spec: spec(30) });
    const pending = (await jobsOf(batch.id)).filter((job) => job.state === 'pending' && job.identity === null);
    const toA = pending.slice(-6, -1).map((job) => job.id);
    const back = pending.at(-1);
    if (!back || toA.length < 5) throw new Error('the batch ran too fast to pin its last jobs');

    for (const jobId of toA) expect((await call('jobs.pin', { jobId, serviceId: a })).serviceId).toBe(a);
    expect((await call('jobs.pin', { jobId: back.id, serviceId: b })).serviceId).toBe(b);
    expect((await call('jobs.pin', { jobId: back.id, serviceId: null })).serviceId).toBe(`pool:${batch.id}`);
    // Pinned to B, then B drained: the job goes back to the pool rather than waiting for B.
    await call('jobs.pin', { jobId: back.id, serviceId: b });
    await call('batches.setMember', { batchId: batch.id, serviceId: b, state: 'drained' });
    expect((await call('jobs.get', { jobId: back.id })).serviceId).toBe(`pool:${batch.id}`);
    expect(await failure('jobs.pin', { jobId: back.id, serviceId: b })).toMatchObject({ code: 'job-pin-refused' });
    await call('batches.setMember', { batchId: batch.id, serviceId: b, state: 'active' });

    const done = await finished(batch.id);
    expect(done.counts.succeeded).toBe(30);
    const jobs = new Map((await jobsOf(batch.id)).map((job) => [job.id, job]));
    expect(toA.map((jobId) => jobs.get(jobId)?.serviceId)).toEqual(toA.map(() => a));
    // A job that was sent cannot move.
    expect(await failure('jobs.pin', { jobId: toA[0] ?? '', serviceId: b })).toMatchObject({
      code: 'job-pin-refused',
    });
  }, 60_000);
});

describe('a pool with a stopped member', () => {
  it('is refused until the artist chooses to start it; then the others work while it starts, and it joins', async () => {
    const { a, b } = await services({ controlFirst: true });
    await call('services.stop', { serviceId: a });
    for (let i = 0; i < 200 && (await call('services.lifecycle', { serviceId: a })).status !== 'Stopped'; i++) {
      await pause(20);
    }
    const workflowId = await starterId();
    expect(await failure('batches.queue', { serviceIds: [a, b], workflowId, spec: spec(40) })).toMatchObject({
      code: 'batch-service-stopped',
      params: { name: 'A' },
    });
    expect(await call('batches.list', {})).toEqual([]);

    const onA = countAcceptedPrompts(first);
    const onB = countAcceptedPrompts(second);
    const batch = await call('batches.queue', { serviceIds: [a, b], workflowId, spec: spec(40), startService: true });
    expect(batch.members?.[0]).toMatchObject({
      serviceId: a,
      state: 'drained',
      reason: { code: 'pool-member-starting' },
    });
    expect(batch.paused).toBe(false);

    let joined = false;
    for (let i = 0; i < 400 && !joined; i++) {
      await pause(20);
      joined = (await call('batches.members', { batchId: batch.id }))[0]?.state === 'active';
    }
    expect(joined).toBe(true);
    expect(onB.size).toBeGreaterThan(0);
    const done = await finished(batch.id);
    expect(done.counts.succeeded).toBe(40);
    expect(onA.size).toBeGreaterThan(0);
    expect(onA.size + onB.size).toBe(40);
    expect([...onA.values(), ...onB.values()].every((times) => times === 1)).toBe(true);
  }, 60_000);
});
