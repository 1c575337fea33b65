// `npm run demo`'s services: added through the services module's own create path, one per edition with the
// simulator's OSS bucket, healthy at once; added again on the next start without duplicates, pointed at that run's
// simulator; and in the Electron shell's path (JSON in an environment variable) on a keyring-less machine too.
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { addDemoServices, addDemoServicesFromEnv, demoServiceInputs } from '../../main/browser/demo-services';
import { startSimulator, type Simulator } from '../sim/index';
import { openStudio, type TestStudio } from '../unit/services/studio-harness';

let sim: Simulator;
const open: TestStudio[] = [];

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((studio) => studio.close()));
});

function studio(options: Parameters<typeof openStudio>[0] = {}): TestStudio {
  const opened = openStudio(options);
  open.push(opened);
  return opened;
}

describe('the demo services', () => {
  it('are one per edition, each with the OSS bucket, and both pass their health check', async () => {
    const s = studio();
    await addDemoServices(s.studio.handlers, demoServiceInputs(sim.info));
    const services = await s.call('services.list');
    expect(services.map((service) => service.edition).sort()).toEqual(['exclusive', 'queue']);
    for (const service of services) {
      expect(service).toMatchObject({
        hasToken: true,
        oss: { bucket: sim.info.oss.bucket, credentials: 'own', hasSecret: true },
      });
      const health = await s.call('services.test', { id: service.id });
      expect(health.status, health.message).toBe('ok');
      expect(health.parts.map((part) => part.part)).toContain('oss');
    }
  });

  it('are not added twice, and a second start points them at that run’s simulator', async () => {
    const s = studio();
    await addDemoServices(s.studio.handlers, demoServiceInputs(sim.info));
    const before = await s.call('services.list');
    const moved = { ...sim.info, exclusive: { url: 'http://127.0.0.1:9/', token: 'another-token-0000' } };
    await addDemoServices(s.studio.handlers, demoServiceInputs(moved));
    const after = await s.call('services.list');
    expect(after.map((service) => service.id).sort()).toEqual(before.map((service) => service.id).sort());
    expect(after.find((service) => service.edition === 'exclusive')).toMatchObject({
      url: 'http://127.0.0.1:9/',
      tokenHint: '••••0000',
    });
  });

  it('are added from the JSON the Electron shell receives, accepting weak protection on a keyring-less machine', async () => {
    const s = studio({ strength: 'weak' });
    expect(await s.call('vault.status')).toMatchObject({ strength: 'weak', canStoreSecrets: false });
    await addDemoServicesFromEnv(s.studio.handlers, JSON.stringify(demoServiceInputs(sim.info)));
    expect(await s.call('services.list')).toHaveLength(2);
    expect(await s.call('vault.status')).toMatchObject({ acceptedWeak: true });
  });

  it('refuse a malformed ARTLAB_DEMO_SERVICES instead of adding half of it', async () => {
    const s = studio();
    await expect(addDemoServicesFromEnv(s.studio.handlers, '[{"name":""}]')).rejects.toThrow();
    expect(await s.call('services.list')).toEqual([]);
  });
});
