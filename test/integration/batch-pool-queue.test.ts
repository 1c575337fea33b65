// Queueing one batch on several services through the whole Studio and its contract: each member is checked as a
// single service would be, one that cannot run the batch is left out with the reason, and the others share the jobs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { nodeStudio } from './support/node-studio';
import { studioCalls } from './support/studio-call';

let sim: Simulator;
let dir: string;
let studio: Studio;

beforeEach(async () => {
  sim = await startSimulator({ stepMs: 1 });
  dir = mkdtempSync(join(tmpdir(), 'artlab-pool-queue-'));
  studio = nodeStudio(dir);
});
afterEach(async () => {
  await studio.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const { call, failure } = studioCalls(() => studio);

async function starterId(): Promise<string> {
  const starter = (await call('workflows.list')).find((workflow) => workflow.source === 'starter');
  if (!starter) throw new Error('no starter');
  return starter.id;
}

const spec = { prompts: ['a red fox'], seeds: { mode: 'random' }, countPerPrompt: 6 };

describe('batches.queue with several services', () => {
  it('leaves out a member that cannot run the batch, with the reason, and runs the jobs on the others', async () => {
    const direct = await call('services.create', {
      name: 'direct',
      url: sim.info.exclusive.url,
      token: sim.info.exclusive.token,
    });
    const again = await call('services.create', {
      name: 'direct again',
      url: sim.info.exclusive.url,
      token: sim.info.exclusive.token,
    });
    // An API-edition service without an OSS output location cannot return images.
    const queue = await call('services.create', { name: 'API edition', url: sim.info.queue.url, token: 'x' });
    const batch = await call('batches.queue', {
      serviceIds: [direct.id, again.id, queue.id],
      workflowId: await starterId(),
      spec,
    });
    expect(batch.serviceId).toBe(`pool:${batch.id}`);
    expect(batch.members).toEqual([
      { serviceId: direct.id, state: 'active', reason: null },
      { serviceId: again.id, state: 'active', reason: null },
      {
        serviceId: queue.id,
        state: 'left',
        reason: expect.objectContaining({ code: 'pool-member-needs-oss', params: { name: 'API edition' } }) as unknown,
      },
    ]);
    await expect
      .poll(async () => (await call('batches.get', { batchId: batch.id })).counts.succeeded, { timeout: 20_000 })
      .toBe(6);
    const jobs = await call('jobs.page', { filters: { batchId: batch.id } });
    expect(new Set(jobs.jobs.map((job) => job.serviceId)).has(queue.id)).toBe(false);
  });

  it('refuses a pool none of whose services can run the batch, and stores nothing', async () => {
    const queue = await call('services.create', { name: 'API edition', url: sim.info.queue.url, token: 'x' });
    const error = await failure('batches.queue', {
      serviceIds: [queue.id, 'no-such-service'],
      workflowId: await starterId(),
      spec,
    });
    expect(error.message).toMatch(/None of the services of this pool/);
    expect(await call('batches.list', {})).toEqual([]);
  });
});
