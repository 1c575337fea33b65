// The GPU behind a service through the contract, as the Services page drives it: read, stop (refused while jobs are
// in flight until confirmed), start, scale — against the simulator's EAS control API, signature checked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceLifecycleDto } from '../../preload/schemas/lifecycle';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { studioCalls } from './support/studio-call';
import { nodeStudio } from './support/node-studio';

let sim: Simulator;
let dir: string;
let studio: Studio;

beforeEach(async () => {
  // Steps of 500 ms: the starter's 20 steps keep a job running for 10 s, long enough to be in flight.
  sim = await startSimulator({ stepMs: 500, controlDelays: { placementMs: 20, stopMs: 20, removalMs: 10 } });
  dir = mkdtempSync(join(tmpdir(), 'artlab-lifecycle-'));
  studio = nodeStudio(dir, {
    controlEndpoint: () => ({ endpoint: sim.info.control.endpoint, protocol: 'http' }),
  });
});
afterEach(async () => {
  await studio.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const { call, failure } = studioCalls(() => studio);

async function exclusiveService(withControl: boolean): Promise<string> {
  const { control } = sim.info;
  const service = await call('services.create', {
    name: 'studio box',
    url: sim.info.exclusive.url,
    token: sim.info.exclusive.token,
    ...(withControl
      ? {
          control: {
            credentials: 'own',
            accessKeyId: control.accessKeyId,
            accessKeySecret: control.accessKeySecret,
            region: control.region,
            serviceName: control.services.exclusive,
          },
        }
      : {}),
  });
  return service.id;
}

async function until(serviceId: string, done: (state: ServiceLifecycleDto) => boolean): Promise<ServiceLifecycleDto> {
  for (let i = 0; i < 200; i++) {
    const state = await call('services.lifecycle', { serviceId });
    if (done(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the service never reached the state');
}

describe('service lifecycle', () => {
  it('reads a running service with its instances', async () => {
    const serviceId = await exclusiveService(true);
    const state = await call('services.lifecycle', { serviceId });
    expect(state).toMatchObject({ serviceId, status: 'Running', settled: true, running: 1, total: 1, jobsInFlight: 0 });
    expect(state.instances.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses to stop while jobs are in flight, stops when confirmed, and starts again', async () => {
    const serviceId = await exclusiveService(true);
    const starter = (await call('workflows.list')).find((workflow) => workflow.source === 'starter');
    await call('batches.queue', { serviceId, workflowId: starter?.id, spec: { seeds: { mode: 'random' } } });
    await until(serviceId, (state) => state.jobsInFlight > 0);

    const refused = await failure('services.stop', { serviceId });
    expect(refused).toMatchObject({
      code: 'lifecycle-stop-jobs-in-flight',
      params: { service: 'studio box', jobs: 1 },
    });
    expect((await call('services.lifecycle', { serviceId })).status).toBe('Running');

    await call('services.stop', { serviceId, force: true });
    const stopped = await until(serviceId, (state) => state.status === 'Stopped');
    expect(stopped).toMatchObject({ running: 0, settled: true });

    await call('services.start', { serviceId });
    await until(serviceId, (state) => state.status === 'Running' && state.running === 1);
  });

  it('scales to three instances and back to one', async () => {
    const serviceId = await exclusiveService(true);
    await call('services.scale', { serviceId, instances: 3 });
    await until(serviceId, (state) => state.status === 'Running' && state.running === 3);
    await call('services.scale', { serviceId, instances: 1 });
    await until(serviceId, (state) => state.status === 'Running' && state.total === 1);
  });

  it('says what to add when the service has no control settings', async () => {
    const serviceId = await exclusiveService(false);
    expect(await failure('services.lifecycle', { serviceId })).toMatchObject({
      code: 'lifecycle-not-configured',
      params: { service: 'studio box' },
    });
  });
});
