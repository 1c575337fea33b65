// services.cost through the contract: running time recorded from the simulator's EAS control API while a batch runs
// on two instances, and the observed lower bound for a service without control.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { studioCalls } from './support/studio-call';
import { nodeStudio } from './support/node-studio';
import { simControlSettings } from '../sim/control-settings';

let sim: Simulator;
let dir: string;
let studio: Studio;

beforeEach(async () => {
  sim = await startSimulator({ stepMs: 20, controlDelays: { placementMs: 20, stopMs: 20, removalMs: 10 } });
  dir = mkdtempSync(join(tmpdir(), 'artlab-cost-'));
  studio = nodeStudio(dir, {
    controlEndpoint: () => ({ endpoint: sim.info.control.endpoint, protocol: 'http' }),
  });
});
afterEach(async () => {
  await studio.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const { call } = studioCalls(() => studio);
// A huge price so that a few seconds give figures well above rounding.
const COST = { pricePerInstanceHour: 360_000, currency: 'CNY' as const, queueInstanceBilled: false };

async function runBatch(serviceId: string, poll: () => Promise<unknown>): Promise<string> {
  const starter = (await call('workflows.list')).find((workflow) => workflow.source === 'starter');
  const { id } = await call('batches.queue', {
    serviceId,
    workflowId: starter?.id ?? '',
    spec: { prompts: ['a red fox', 'a blue owl'], seeds: { mode: 'random' }, countPerPrompt: 5 },
  });
  for (let i = 0; i < 600; i++) {
    await poll();
    if ((await call('batches.get', { batchId: id })).finished) return id;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the batch never finished');
}

describe('service cost', () => {
  it('is null without a price, and from lifecycle reads over two instances with one', async () => {
    const service = await call('services.create', {
      name: 'studio box',
      url: sim.info.exclusive.url,
      token: sim.info.exclusive.token,
      control: simControlSettings(sim.info),
    });
    const serviceId = service.id;
    expect(await call('services.cost', { serviceId })).toBeNull();
    await call('services.update', { id: serviceId, cost: COST });
    await call('services.scale', { serviceId, instances: 2 });
    const batchId = await runBatch(serviceId, () => call('services.lifecycle', { serviceId }));
    const cost = await call('services.cost', { serviceId });
    expect(cost).toMatchObject({ serviceId, currency: 'CNY', estimate: true, source: 'lifecycle' });
    expect(cost?.today).toBeGreaterThan(0);
    expect(cost?.month).toBeGreaterThanOrEqual(cost?.today ?? Infinity);
    // The batch's share: non-zero, never more than the service's whole cost, split evenly over its 10 images.
    const batch = await call('batches.cost', { batchId });
    expect(batch).toMatchObject({ batchId, images: 10, currency: 'CNY', estimate: true, source: 'lifecycle' });
    expect(batch?.total).toBeGreaterThan(0);
    expect(batch?.total).toBeLessThanOrEqual((cost?.today ?? 0) + 1e-6);
    expect(batch?.perImage).toBeCloseTo((batch?.total ?? 0) / 10, 9);
  });

  it('without control counts the jobs send→result as the lower bound', async () => {
    const service = await call('services.create', {
      name: 'plain box',
      url: sim.info.exclusive.url,
      token: sim.info.exclusive.token,
      cost: COST,
    });
    await runBatch(service.id, () => Promise.resolve());
    const cost = await call('services.cost', { serviceId: service.id });
    expect(cost).toMatchObject({ estimate: true, source: 'observed' });
    expect(cost?.today).toBeGreaterThan(0);
  });
});
