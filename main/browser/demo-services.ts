// The demo's two services (one per edition, each with the simulator's OSS bucket), added through the services
// module's own create path. Shared by `npm run demo --browser` (in Node) and the Electron shell, which receives the
// same inputs in ARTLAB_DEMO_SERVICES because secrets sealed by Node's key file cannot be opened by safeStorage.
import { z } from 'zod';
import type { ContractHandlers } from '../../preload/contract';
import { ServiceInputSchema, type ServiceInput } from '../../preload/schemas/services';

/** The parts of the simulator's info (test/sim SimulatorInfo) that the demo needs. */
export interface DemoSimulatorInfo {
  exclusive: { url: string; token: string };
  queue: { url: string; token: string };
  oss: {
    endpoint: string;
    region: string;
    bucket: string;
    prefix: string;
    accessKeyId: string;
    accessKeySecret: string;
  };
}

export function demoServiceInputs(sim: DemoSimulatorInfo): ServiceInput[] {
  const oss = {
    location: `oss://${sim.oss.bucket}/${sim.oss.prefix}/`,
    region: sim.oss.region,
    endpoint: sim.oss.endpoint,
    credentials: 'own' as const,
    accessKeyId: sim.oss.accessKeyId,
    accessKeySecret: sim.oss.accessKeySecret,
  };
  return [
    { name: 'Demo — API edition', url: sim.queue.url, token: sim.queue.token, oss },
    { name: 'Demo — Exclusive', url: sim.exclusive.url, token: sim.exclusive.token, oss },
  ];
}

export const demoServicesEnvSchema = z.array(ServiceInputSchema);

/** Adds each service unless one with its name is already there (the Electron shell runs this on every start). */
export async function addDemoServices(
  handlers: Pick<ContractHandlers, 'services.list' | 'services.create' | 'services.update'>,
  inputs: readonly ServiceInput[],
): Promise<void> {
  const existing = await handlers['services.list'](undefined);
  for (const input of inputs) {
    const parsed = ServiceInputSchema.parse(input);
    const same = existing.find((service) => service.name === parsed.name);
    // The simulator picks new ports and secrets each run: point a kept demo service at this run's.
    if (same) await handlers['services.update']({ ...parsed, id: same.id });
    else await handlers['services.create'](parsed);
  }
}

/**
 * The Electron shell's side of `npm run demo`: the services passed in ARTLAB_DEMO_SERVICES, added on start. The demo's
 * data folder is throw-away and its secrets are the simulator's, so a keyring-less Linux's weaker protection is
 * accepted here rather than asked for.
 */
export async function addDemoServicesFromEnv(
  handlers: Pick<
    ContractHandlers,
    'services.list' | 'services.create' | 'services.update' | 'vault.status' | 'vault.acceptWeak'
  >,
  json: string,
): Promise<void> {
  const inputs = demoServicesEnvSchema.parse(JSON.parse(json));
  const vault = await handlers['vault.status'](undefined);
  if (vault.strength === 'weak' && !vault.acceptedWeak) await handlers['vault.acceptWeak'](undefined);
  await addDemoServices(handlers, inputs);
}
