// An API-edition service writes its results to OSS and the app reads them from there: without a complete OSS output
// location it is "needs OSS output location" (not Healthy), and queueing on it is refused before anything is written
// or sent — through the whole Studio and its contract, against the simulator's real HTTP servers.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { countPutTasks } from './support/accepted-prompts';
import { nodeStudio } from './support/node-studio';
import { studioCalls } from './support/studio-call';

let sim: Simulator;
let dir: string;
let studio: Studio;
let puts: Map<string, number>;

beforeEach(async () => {
  sim = await startSimulator();
  puts = countPutTasks(sim);
  dir = mkdtempSync(join(tmpdir(), 'artlab-oss-required-'));
  studio = nodeStudio(dir);
});
afterEach(async () => {
  await studio.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const { call, failure } = studioCalls(() => studio);

function ossInput(overrides: Record<string, unknown> = {}) {
  const { bucket, prefix, endpoint, region, accessKeyId, accessKeySecret } = sim.info.oss;
  return {
    location: `oss://${bucket}/${prefix}/`,
    region,
    endpoint,
    credentials: 'own',
    accessKeyId,
    accessKeySecret,
    ...overrides,
  };
}

const queueService = (oss?: unknown) =>
  call('services.create', {
    name: 'API edition',
    url: sim.info.queue.url,
    token: sim.info.queue.token,
    ...(oss ? { oss } : {}),
  });

async function starterId(): Promise<string> {
  const starter = (await call('workflows.list')).find((workflow) => workflow.source === 'starter');
  if (!starter) throw new Error('no starter');
  return starter.id;
}

const spec = { prompts: ['a red fox'], seeds: { mode: 'fixed', value: 1 } };

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('an API-edition service without an OSS output location', () => {
  it('is known to need one from its record, before any check', async () => {
    const service = await queueService();
    expect(service.needsOss).toBe(true);
    const exclusive = await call('services.create', {
      name: 'direct',
      url: sim.info.exclusive.url,
      token: sim.info.exclusive.token,
    });
    // The Exclusive edition serves its images itself: OSS stays optional there.
    expect(exclusive.needsOss).toBe(false);
  });

  it('checks as “needs OSS output location” with its code, not as Healthy, when the service itself is fine', async () => {
    const service = await queueService();
    const result = await call('services.test', { id: service.id });
    expect(result).toMatchObject({ status: 'needs-oss', code: 'oss-needed', params: { name: 'API edition' } });
    expect(result.parts.map((part) => [part.part, part.status])).toEqual([
      ['sink', 'ok'],
      ['input-queue', 'ok'],
      ['oss', 'needs-oss'],
    ]);
  });

  it('still reports a refused token first: that is the more urgent fix', async () => {
    const service = await call('services.create', { name: 'bad', url: sim.info.queue.url, token: 'wrong-token-0000' });
    const result = await call('services.test', { id: service.id });
    expect(result.status).toBe('auth-failed');
    expect(result.parts.at(-1)).toMatchObject({ part: 'oss', status: 'needs-oss' });
  });

  it('is refused by batches.queue with the fix named, and nothing is stored or sent', async () => {
    const service = await queueService();
    const workflowId = await starterId();
    const refused = await failure('batches.queue', { serviceId: service.id, workflowId, spec });
    expect(refused.kind).toBe('bad_request');
    expect(refused.message).toContain('needs an OSS output location');
    expect(refused.message).toContain('Add OSS location');
    expect(refused.message).toContain('--oss');
    expect(await call('batches.list', {})).toEqual([]);
    expect(puts.size).toBe(0);
  });

  it('is saved with a storage path but no AccessKey (keys not at hand), and still needs OSS', async () => {
    const service = await queueService(ossInput({ accessKeyId: undefined, accessKeySecret: undefined }));
    const { bucket, prefix } = sim.info.oss;
    expect(service).toMatchObject({
      needsOss: true,
      oss: { location: `oss://${bucket}/${prefix}/`, hasSecret: false },
    });
    const result = await call('services.test', { id: service.id });
    expect(result).toMatchObject({ status: 'needs-oss', code: 'oss-no-access-key' });
    const refused = await failure('batches.queue', { serviceId: service.id, workflowId: await starterId(), spec });
    expect(refused.kind).toBe('bad_request');
  });

  it('turns healthy once the OSS location is added, and then queues and delivers the image', async () => {
    const service = await queueService();
    const updated = await call('services.update', { id: service.id, oss: ossInput() });
    expect(updated.needsOss).toBe(false);
    expect(await call('services.test', { id: service.id })).toMatchObject({ status: 'ok', code: 'ready-queue' });
    const fetched = new Promise<void>((resolve) => {
      const off = studio.events.subscribe((event, payload) => {
        if (event !== 'gallery.added' && event !== 'gallery.changed') return;
        const images = (payload as { images: { state: string }[] }).images;
        if (!images.some((image) => image.state === 'fetched')) return;
        off();
        resolve();
      });
    });
    const batch = await call('batches.queue', { serviceId: service.id, workflowId: await starterId(), spec });
    expect(batch.total).toBe(1);
    await fetched;
    expect(puts.size).toBe(1);
  });

  it('uses the shared OSS credentials when the service asks for them, and needs them until they are set', async () => {
    const { accessKeyId, accessKeySecret } = sim.info.oss;
    const service = await queueService(ossInput({ credentials: 'shared', accessKeyId: undefined }));
    expect(service.needsOss).toBe(true);
    await call('services.sharedOss.set', { accessKeyId, accessKeySecret });
    expect((await call('services.get', { id: service.id })).needsOss).toBe(false);
    expect(await call('services.test', { id: service.id })).toMatchObject({ status: 'ok' });
  });
});

describe('the OSS check of a service that has a location', () => {
  it('says the bucket is missing, by its own code', async () => {
    const service = await queueService(ossInput({ location: 'oss://no-such-bucket/x/' }));
    expect(await call('services.test', { id: service.id })).toMatchObject({
      status: 'misconfigured',
      code: 'oss-no-bucket',
      params: { where: 'oss://no-such-bucket/x/output/' },
    });
  });

  it('says the keys were refused, without the secret', async () => {
    const secret = 'not-the-oss-secret-4242';
    const service = await queueService(ossInput({ accessKeySecret: secret }));
    const result = await call('services.test', { id: service.id });
    expect(result).toMatchObject({ status: 'auth-failed', code: 'oss-auth-failed' });
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('says the endpoint could not be reached', async () => {
    const service = await queueService(ossInput({ endpoint: `http://127.0.0.1:${await closedPort()}` }));
    expect(await call('services.test', { id: service.id })).toMatchObject({
      status: 'unreachable',
      code: 'oss-unreachable',
    });
  });
});
