// A saved service's control settings, opened in main, drive the control client: the vault's key reaches the
// simulator's control API and stops and starts the service the record names.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../main/adapters';
import { EventHub } from '../../main/contract/event-hub';
import { serviceHandlers } from '../../main/handlers/services';
import { EasControlClient } from '../../main/lifecycle/eas-control-client';
import { createRecoverableNodeStore } from '../../main/node-adapters';
import { KeyFileEncryptor } from '../../main/services/key-file-encryptor';
import { createServicesModule, type ServicesModule } from '../../main/services/services-module';
import { startSimulator, type Simulator } from '../sim/index';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(): Promise<{ sim: Simulator; services: ServicesModule }> {
  const sim = await startSimulator({ workers: 1, controlDelays: { placementMs: 20, stopMs: 20, removalMs: 10 } });
  cleanups.push(() => sim.close());
  const dir = mkdtempSync(join(tmpdir(), 'artlab-control-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const services = createServicesModule({
    store: createRecoverableNodeStore(dir),
    encryptor: new KeyFileEncryptor(join(dir, 'secret.key')),
    clock: systemClock,
    events: new EventHub(),
    healthIntervalMs: 0,
  });
  cleanups.push(() => services.close());
  return { sim, services };
}

describe('control settings of a saved service', () => {
  it('open to the key and target that stop the simulated service', async () => {
    const { sim, services } = await setUp();
    const { control } = sim.info;
    const created = await serviceHandlers(services)['services.create']({
      name: 'queue',
      url: sim.info.queue.url,
      token: sim.info.queue.token,
      // A loopback URL says no region or EAS name: the record names them.
      control: {
        credentials: 'own',
        accessKeyId: control.accessKeyId,
        accessKeySecret: control.accessKeySecret,
        region: control.region,
        serviceName: control.services.queue,
      },
    });
    expect(created.control).toMatchObject({ configured: true, hasSecret: true });
    const opened = services.connection(created.id).control;
    expect(opened).toEqual({
      target: { region: control.region, serviceName: control.services.queue },
      accessKeyId: control.accessKeyId,
      accessKeySecret: control.accessKeySecret,
    });
    if (!opened) return;
    const client = new EasControlClient({ endpoint: control.endpoint, protocol: 'http', credentials: opened });
    await client.stopService(opened.target);
    expect(sim.control.service(control.services.queue)?.status).not.toBe('Running');
    expect(sim.queue.stats().running).toBe(false);
  });

  it('borrow the OSS key when "same as OSS", and open nothing until a secret is there', async () => {
    const { sim, services } = await setUp();
    const handlers = serviceHandlers(services);
    const created = await handlers['services.create']({
      name: 'queue',
      url: sim.info.queue.url,
      oss: {
        location: `oss://${sim.info.oss.bucket}/${sim.info.oss.prefix}/`,
        endpoint: sim.info.oss.endpoint,
        credentials: 'own',
        accessKeyId: sim.info.oss.accessKeyId,
      },
      control: { credentials: 'oss', region: 'cn-shanghai', serviceName: sim.info.control.services.queue },
    });
    expect(created.control).toMatchObject({ credentials: 'oss', hasSecret: false, configured: false });
    expect(services.connection(created.id).control).toBeUndefined();
    await handlers['services.update']({
      id: created.id,
      oss: {
        location: `oss://${sim.info.oss.bucket}/${sim.info.oss.prefix}/`,
        endpoint: sim.info.oss.endpoint,
        credentials: 'own',
        accessKeyId: sim.info.oss.accessKeyId,
        accessKeySecret: sim.info.oss.accessKeySecret,
      },
    });
    expect(services.connection(created.id).control).toMatchObject({
      accessKeyId: sim.info.oss.accessKeyId,
      accessKeySecret: sim.info.oss.accessKeySecret,
    });
  });
});
