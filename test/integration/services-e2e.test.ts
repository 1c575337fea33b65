// End to end against the simulator: add each edition's service by pasting its call information, see it turn healthy,
// then break it the ways users do (bad token, stopped service, wrong OSS secret) and read what the check says.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../preload/contract';
import { systemClock } from '../../main/adapters';
import { EventHub } from '../../main/contract/event-hub';
import { KeyFileEncryptor } from '../../main/services/key-file-encryptor';
import { createRecoverableNodeStore } from '../../main/node-adapters';
import { createServicesModule } from '../../main/services/services-module';
import { serviceHandlers } from '../../main/handlers/services';
import { startSimulator, type Simulator } from '../sim/index';
import { openStudio, type TestStudio } from '../unit/services/studio-harness';

let sim: Simulator;
let s: TestStudio;

beforeAll(async () => {
  sim = await startSimulator();
  s = openStudio();
});
afterAll(async () => {
  await s.close();
  await sim.close();
});

function ossInput(secret = sim.info.oss.accessKeySecret) {
  const { bucket, prefix, endpoint, region, accessKeyId } = sim.info.oss;
  return {
    location: `oss://${bucket}/${prefix}/`,
    endpoint,
    region,
    credentials: 'own' as const,
    accessKeyId,
    accessKeySecret: secret,
  };
}

async function addByPaste(text: string, oss = ossInput()) {
  const draft = await s.call('services.parseCallInfo', { text });
  return s.call('services.create', {
    name: draft.name ?? 'pasted',
    url: draft.url ?? '',
    tokenFromDraft: draft.draftId,
    ...(draft.serviceName ? { queue: { serviceName: draft.serviceName } } : {}),
    oss,
  });
}

function healthEvents(): EventPayload<'services.health'>[] {
  return s.crossed
    .filter((item): item is { event: 'services.health'; payload: EventPayload<'services.health'> } => {
      return (item as { event?: string }).event === 'services.health';
    })
    .map((item) => item.payload);
}

describe('adding a service by paste', () => {
  it('an API-edition service turns healthy after one paste and one test', async () => {
    const { url, token, endpoint, service } = sim.info.queue;
    const added = await addByPaste(
      `Call Information\nURL: ${url}\nToken: ${token}\nEndpoint: ${endpoint}\nService ID: ${service}`,
    );
    expect(added).toMatchObject({ edition: 'queue', hasToken: true, queue: { sink: service } });
    const result = await s.call('services.test', { id: added.id });
    expect(result).toMatchObject({ status: 'ok', serviceId: added.id });
    expect(result.parts.map((part) => part.part)).toEqual(['sink', 'input-queue', 'oss']);
    expect(healthEvents().at(-1)).toEqual(result);
    expect((await s.call('services.get', { id: added.id })).health).toEqual(result);
  });

  it('an Exclusive-edition service turns healthy and reports ComfyUI version and device', async () => {
    const { url, token } = sim.info.exclusive;
    const added = await addByPaste(`调用信息\n公网调用地址：${url}\nToken：${token}`);
    expect(added).toMatchObject({ edition: 'exclusive', url, hasToken: true });
    const result = await s.call('services.test', { id: added.id });
    expect(result).toMatchObject({ status: 'ok' });
    expect(result.details.version).toMatch(/^\d+\.\d+/);
    expect(result.details.device).toBeTruthy();
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe('what a failing check says', () => {
  it('auth-failed for a wrong service token', async () => {
    const added = await s.call('services.create', {
      name: 'bad',
      url: sim.info.exclusive.url,
      token: 'tok-wrong-000000',
    });
    expect(await s.call('services.test', { id: added.id })).toMatchObject({
      status: 'auth-failed',
      message: expect.stringContaining('Copy the token again') as unknown,
    });
  });

  it('unreachable for a stopped service', async () => {
    const { url, token } = sim.info.queue;
    const added = await s.call('services.create', { name: 'stopped', url, token });
    await sim.queue.stop();
    try {
      expect(await s.call('services.test', { id: added.id })).toMatchObject({ status: 'unreachable' });
    } finally {
      sim.queue.start();
    }
  });

  it('auth-failed for a wrong OSS secret, with the service itself fine', async () => {
    const { url, token } = sim.info.exclusive;
    const added = await s.call('services.create', { name: 'oss', url, token, oss: ossInput('wrong-oss-secret-000') });
    const result = await s.call('services.test', { id: added.id });
    expect(result.status).toBe('auth-failed');
    expect(result.parts).toMatchObject([
      { part: 'service', status: 'ok' },
      { part: 'oss', status: 'auth-failed' },
    ]);
  });

  it('let no secret of the simulator cross the contract in all of the above', () => {
    const everything = JSON.stringify(s.crossed);
    const secrets = [
      sim.info.queue.token,
      sim.info.exclusive.token,
      sim.info.oss.accessKeySecret,
      'wrong-oss-secret-000',
    ];
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});

describe('the periodic check', () => {
  it('checks every service on its interval, emits services.health, and stops on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'artlab-periodic-'));
    const events = new EventHub();
    const services = createServicesModule({
      store: createRecoverableNodeStore(dir),
      encryptor: new KeyFileEncryptor(join(dir, 'secret.key')),
      clock: systemClock,
      events,
      healthIntervalMs: 20,
    });
    try {
      await serviceHandlers(services)['services.create']({
        name: 'periodic',
        url: sim.info.exclusive.url,
        token: sim.info.exclusive.token,
      });
      const first = await new Promise<unknown>((resolve) => {
        const unsubscribe = events.subscribe((event, payload) => {
          if (event !== 'services.health') return;
          unsubscribe();
          resolve(payload);
        });
      });
      expect(first).toMatchObject({ status: 'ok' });
    } finally {
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
