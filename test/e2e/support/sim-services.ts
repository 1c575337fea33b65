// Service records for the simulator's editions, created over the bridge as the Services page would.
import { z } from 'zod';
import type { SimulatorInfo } from '../../sim/index';
import type { BridgeClient } from './bridge-client';

/** The simulator's OSS bucket as a service's own-credentials mount. */
export function simOssMount(sim: SimulatorInfo) {
  return {
    location: `oss://${sim.oss.bucket}/${sim.oss.prefix}/`,
    region: sim.oss.region,
    endpoint: sim.oss.endpoint,
    credentials: 'own',
    accessKeyId: sim.oss.accessKeyId,
    accessKeySecret: sim.oss.accessKeySecret,
  } as const;
}

/** Creates a service through `services.create` and returns its id. */
export async function createService(bridge: BridgeClient, input: object): Promise<string> {
  return z.object({ id: z.string() }).parse(await bridge.call('services.create', input)).id;
}
