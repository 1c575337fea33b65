// A batch queued on a service whose GPU is stopped, through the Studio's contract and the simulator's EAS control API:
// refused with the reason until the artist chooses to start it; then the service is started, the batch waits (nothing
// is sent while the gateway answers 503, no job fails) and finishes once the service answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchSummaryDto } from '../../preload/schemas/jobs';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { countAcceptedPrompts } from './support/accepted-prompts';
import { nodeStudio } from './support/node-studio';
import { studioCalls } from './support/studio-call';
import { simControlSettings } from '../sim/control-settings';

let sim: Simulator;
let dir: string;
let studio: Studio;

const openStudio = (): Studio =>
  nodeStudio(dir, { controlEndpoint: () => ({ endpoint: sim.info.control.endpoint, protocol: 'http' }) });

beforeEach(async () => {
  // A start takes 600 ms of placement: long enough for the batch to be seen waiting.
  sim = await startSimulator({ stepMs: 5, controlDelays: { placementMs: 600, stopMs: 20, removalMs: 10 } });
  dir = mkdtempSync(join(tmpdir(), 'artlab-start-queue-'));
  studio = openStudio();
});
afterEach(async () => {
  await studio.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const { call, failure } = studioCalls(() => studio);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stoppedService(): Promise<string> {
  const service = await call('services.create', {
    name: 'studio box',
    url: sim.info.exclusive.url,
    token: sim.info.exclusive.token,
    control: simControlSettings(sim.info),
  });
  await call('services.stop', { serviceId: service.id });
  for (let i = 0; i < 200; i++) {
    if ((await call('services.lifecycle', { serviceId: service.id })).status === 'Stopped') return service.id;
    await pause(20);
  }
  throw new Error('the service never stopped');
}

/** The batch once every job ended (or as it is after ten seconds). */
async function finished(batchId: string): Promise<BatchSummaryDto> {
  let batch = await call('batches.get', { batchId });
  for (let i = 0; i < 400 && !batch.finished; i++) {
    await pause(25);
    batch = await call('batches.get', { batchId });
  }
  return batch;
}

async function starterId(): Promise<string> {
  const starter = (await call('workflows.list')).find((workflow) => workflow.source === 'starter');
  if (!starter) throw new Error('no starter');
  return starter.id;
}

describe('queueing on a stopped service', () => {
  it('is refused with the reason until the artist chooses to start it, and stores nothing', async () => {
    const serviceId = await stoppedService();
    const refused = await failure('batches.queue', {
      serviceId,
      workflowId: await starterId(),
      spec: { seeds: { mode: 'random' }, countPerPrompt: 2 },
    });
    expect(refused).toMatchObject({ code: 'batch-service-stopped', params: { name: 'studio box', status: 'Stopped' } });
    expect(await call('batches.list', {})).toEqual([]);
  });

  it('starts the service, holds the batch while it starts, and finishes every job once it answers', async () => {
    const serviceId = await stoppedService();
    const accepted = countAcceptedPrompts(sim);
    const seen: BatchSummaryDto[] = [];
    studio.events.subscribe((event, payload) => {
      if (event === 'batches.changed') seen.push(...(payload as { batches: BatchSummaryDto[] }).batches);
    });
    const batch = await call('batches.queue', {
      serviceId,
      workflowId: await starterId(),
      spec: { seeds: { mode: 'random' }, countPerPrompt: 4 },
      startService: true,
    });
    expect(batch.held).toMatchObject({ serviceId, state: 'starting' });
    expect(batch.paused).toBe(true);
    expect(accepted.size).toBe(0);

    const done = await finished(batch.id);
    expect(done.counts).toMatchObject({ succeeded: 4, failed: 0 });
    expect(done.held).toBeUndefined();
    expect(done.paused).toBe(false);
    expect([...accepted.values()]).toEqual([1, 1, 1, 1]);
    // The Queue saw it waiting, then released.
    expect(seen.some((summary) => summary.id === batch.id && summary.held?.state === 'starting')).toBe(true);
    expect((await call('services.lifecycle', { serviceId })).status).toBe('Running');
  }, 30_000);

  it('takes the wait up again after a restart, and finishes the batch once the service answers', async () => {
    const serviceId = await stoppedService();
    const accepted = countAcceptedPrompts(sim);
    const batch = await call('batches.queue', {
      serviceId,
      workflowId: await starterId(),
      spec: { seeds: { mode: 'random' }, countPerPrompt: 3 },
      startService: true,
    });
    expect(batch.held?.state).toBe('starting');
    // The app closes while the GPU starts (a quit, or a crash after the wait was written).
    await studio.close();
    studio = openStudio();
    expect((await call('batches.get', { batchId: batch.id })).held?.state).toBe('starting');

    const done = await finished(batch.id);
    expect(done.counts).toMatchObject({ succeeded: 3, failed: 0 });
    expect(done.held).toBeUndefined();
    expect([...accepted.values()]).toEqual([1, 1, 1]);
  }, 30_000);
});
