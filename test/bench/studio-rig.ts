// The Studio as the CLI and the browser demo build it (Node adapters, a data folder), and calls through the contract's
// dispatcher so every payload is validated the way a transport validates it.
import { join } from 'node:path';
import type { MethodInput, MethodName, MethodResult } from '../../preload/contract';
import { systemClock } from '../../main/adapters';
import { dispatchCall } from '../../main/contract/dispatch';
import { redactingSink } from '../../main/log/log-sink';
import { createLogger } from '../../main/log/logger';
import { createNodeStore } from '../../main/node-adapters';
import { KeyFileEncryptor } from '../../main/services/key-file-encryptor';
import { createStudio, type Studio, type StudioAdapters } from '../../main/studio';
import type { SimulatorInfo } from '../sim/index';

export function benchStudio(dataDir: string, jobs?: StudioAdapters['dispatch']): Studio {
  return createStudio({
    paths: { dataDir },
    clock: systemClock,
    encryptor: new KeyFileEncryptor(join(dataDir, 'secret.key')),
    store: createNodeStore(dataDir),
    app: { name: 'ArtLab Desktop', version: '0.1.0', platform: process.platform, transport: 'browser' },
    logger: createLogger(
      redactingSink((line) => {
        if (process.env.ARTLAB_DEBUG) console.error(`studio: ${line}`);
      }),
    ),
    ...(jobs ? { dispatch: jobs } : {}),
  });
}

export async function call<M extends MethodName>(
  studio: Studio,
  method: M,
  input?: MethodInput<M>,
): Promise<MethodResult<M>> {
  const envelope = await dispatchCall(studio.handlers, method, input);
  if (!envelope.ok) throw new Error(`${method}: ${envelope.error.kind}: ${envelope.error.message}`);
  return envelope.value as MethodResult<M>;
}

/** Both simulator services, each with the simulator's OSS bucket (as the demo adds them). */
export async function addSimulatorServices(
  studio: Studio,
  sim: SimulatorInfo,
): Promise<{ queueId: string; exclusiveId: string }> {
  const oss = {
    location: `oss://${sim.oss.bucket}/${sim.oss.prefix}/`,
    region: sim.oss.region,
    endpoint: sim.oss.endpoint,
    credentials: 'own' as const,
    accessKeyId: sim.oss.accessKeyId,
    accessKeySecret: sim.oss.accessKeySecret,
  };
  const queue = await call(studio, 'services.create', {
    name: 'bench queue',
    url: sim.queue.url,
    token: sim.queue.token,
    oss,
  });
  const exclusive = await call(studio, 'services.create', {
    name: 'bench exclusive',
    url: sim.exclusive.url,
    token: sim.exclusive.token,
    oss,
  });
  return { queueId: queue.id, exclusiveId: exclusive.id };
}

export async function starterWorkflowId(studio: Studio): Promise<string> {
  const starter = (await call(studio, 'workflows.list')).find((workflow) => workflow.source === 'starter');
  if (!starter) throw new Error('the Studio has no starter workflow');
  return starter.id;
}
