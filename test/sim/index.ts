// The ArtLab simulator: an Exclusive-edition ComfyUI, an API-edition service (EAS queue + workers), the OSS bucket
// they write into and the EAS control API that starts, stops and scales both services, each a real server on
// 127.0.0.1. Used by tests, benchmarks, `npm run sim` and `npm run demo`.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  DEFAULT_LIFECYCLE_DELAYS,
  ServiceLifecycle,
  type DataPlane,
  type LifecycleDelays,
} from './eas/control-lifecycle';
import { EasControlServer } from './eas/control-server';
import { EasService } from './eas/service';
import { FaultInjector, defaultFaults, type FaultOptions, type Restartable } from './faults';
import { startExclusiveServer, type ExclusiveServer } from './exclusive/server';
import { ObjectStore } from './oss/object-store';
import { startOssServer, type OssServer } from './oss/server';

export interface SimulatorOptions extends FaultOptions {
  /** 0 = a free port. */
  exclusivePort: number;
  queuePort: number;
  ossPort: number;
  controlPort: number;
  exclusiveToken: string;
  queueToken: string;
  /** The API-edition service name: the input queue; results go to `<service>/sink`. */
  service: string;
  ossBucket: string;
  /** The mount prefix: outputs land under `<ossPrefix>/output/`. */
  ossPrefix: string;
  ossRegion: string;
  ossAccessKeyId: string;
  ossAccessKeySecret: string;
  /** How long an item of a dropped consumer waits for that consumer before another of its group may take it. */
  redeliveryGraceMs: number;
  /** How long a restart (`restartEverySec`) refuses connections. */
  restartDownMs: number;
  /** The EAS name of the Exclusive-edition service, as the control API knows it. */
  exclusiveService: string;
  /** The control API's region (its ClusterId) and the AccessKey it accepts. */
  controlRegion: string;
  controlAccessKeyId: string;
  controlAccessKeySecret: string;
  /** How long instance placement, stopping and scale-in take. */
  controlDelays: LifecycleDelays;
}

/** What a client needs to reach the simulator: the JSON line `npm run sim -- --json` prints. */
export const simulatorInfoSchema = z.object({
  exclusive: z.object({ url: z.string(), token: z.string() }),
  queue: z.object({ url: z.string(), token: z.string(), endpoint: z.string(), service: z.string() }),
  oss: z.object({
    endpoint: z.string(),
    region: z.string(),
    bucket: z.string(),
    prefix: z.string(),
    accessKeyId: z.string(),
    accessKeySecret: z.string(),
  }),
  control: z.object({
    /** `127.0.0.1:<port>`: the OpenAPI client's endpoint, over http. */
    endpoint: z.string(),
    region: z.string(),
    accessKeyId: z.string(),
    accessKeySecret: z.string(),
    /** The EAS service names of the two editions. */
    services: z.object({ queue: z.string(), exclusive: z.string() }),
  }),
});
export type SimulatorInfo = z.infer<typeof simulatorInfoSchema>;

export interface Simulator {
  info: SimulatorInfo;
  /** The bucket both editions write outputs into. */
  oss: ObjectStore;
  ossServer: OssServer;
  /** The API-edition service: stats, stop()/start() for "service stopped", whenIdle(). */
  queue: EasService;
  /** The Exclusive-edition ComfyUI: its prompt queue and history, socket count, restarts that lose state. */
  exclusive: ExclusiveServer;
  /** The EAS control API: `control.service(name)` is a service's lifecycle (status, instances, events). */
  control: EasControlServer;
  close(): Promise<void>;
}

function secret(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export function defaultSimulatorOptions(): SimulatorOptions {
  return {
    ...defaultFaults,
    exclusivePort: 0,
    queuePort: 0,
    ossPort: 0,
    controlPort: 0,
    exclusiveToken: secret(16),
    queueToken: secret(16),
    service: 'artlab_sim',
    ossBucket: 'artlab-sim',
    ossPrefix: 'data-sim',
    ossRegion: 'cn-shanghai',
    ossAccessKeyId: `LTAIsim${secret(8)}`,
    ossAccessKeySecret: secret(15),
    redeliveryGraceMs: 2000,
    restartDownMs: 200,
    exclusiveService: 'artlab_sim_comfyui',
    controlRegion: 'cn-shanghai',
    controlAccessKeyId: `LTAIctl${secret(8)}`,
    controlAccessKeySecret: secret(15),
    controlDelays: DEFAULT_LIFECYCLE_DELAYS,
  };
}

export async function startSimulator(overrides: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  const options: SimulatorOptions = { ...defaultSimulatorOptions(), ...overrides };
  const faultOptions: FaultOptions = {
    latencyMs: options.latencyMs,
    failRate: options.failRate,
    rateLimit: options.rateLimit,
    dropWsEvery: options.dropWsEvery,
    restartEverySec: options.restartEverySec,
    workerCrashRate: options.workerCrashRate,
    stepMs: options.stepMs,
    workers: options.workers,
    seed: options.seed,
  };
  const prefix = options.ossPrefix.replace(/^\/+|\/+$/g, '');
  const store = new ObjectStore();
  const started: { close(): Promise<void> }[] = [];
  try {
    // Each server rolls its own dice (same seed), so one server's traffic does not shift another's faults.
    const ossServer = await startOssServer({
      port: options.ossPort,
      store,
      bucket: options.ossBucket,
      region: options.ossRegion,
      accessKeyId: options.ossAccessKeyId,
      accessKeySecret: options.ossAccessKeySecret,
      faults: new FaultInjector(faultOptions),
    });
    started.push(ossServer);
    const queue = await EasService.start({
      port: options.queuePort,
      token: options.queueToken,
      service: options.service,
      redeliveryGraceMs: options.redeliveryGraceMs,
      faults: new FaultInjector(faultOptions),
      store,
      prefix,
    });
    started.push(queue);
    const exclusive = await startExclusiveServer({
      port: options.exclusivePort,
      token: options.exclusiveToken,
      stepMs: options.stepMs,
      store,
      mountPrefix: prefix,
      faults: new FaultInjector(faultOptions),
    });
    started.push(exclusive);
    const lifecycle = (name: string, instances: number, queueInstance: boolean, dataPlane: DataPlane) =>
      new ServiceLifecycle({ name, instances, queueInstance, delays: options.controlDelays, dataPlane });
    const control = await EasControlServer.start({
      port: options.controlPort,
      region: options.controlRegion,
      accessKeys: { [options.controlAccessKeyId]: options.controlAccessKeySecret },
      services: [
        lifecycle(options.service, options.workers, true, {
          stop: () => queue.stop(),
          start: () => queue.start(),
          resize: (workers) => queue.resize(workers),
        }),
        lifecycle(options.exclusiveService, 1, false, {
          stop: () => exclusive.setStopped(true),
          start: () => void exclusive.setStopped(false),
        }),
      ],
    });
    started.push(control);
    const info: SimulatorInfo = {
      exclusive: { url: exclusive.url, token: options.exclusiveToken },
      queue: {
        url: queue.url,
        token: options.queueToken,
        endpoint: queue.endpoint,
        service: `${options.service}/sink`,
      },
      oss: {
        endpoint: ossServer.endpoint,
        region: options.ossRegion,
        bucket: options.ossBucket,
        prefix,
        accessKeyId: options.ossAccessKeyId,
        accessKeySecret: options.ossAccessKeySecret,
      },
      control: {
        endpoint: control.endpoint,
        region: options.controlRegion,
        accessKeyId: options.controlAccessKeyId,
        accessKeySecret: options.controlAccessKeySecret,
        services: { queue: options.service, exclusive: options.exclusiveService },
      },
    };
    const restarts = startRestarts([ossServer, queue, exclusive], options.restartEverySec, options.restartDownMs);
    return {
      info,
      oss: store,
      ossServer,
      queue,
      exclusive,
      control,
      close: async () => {
        restarts.close();
        await Promise.all(started.map((server) => server.close()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((server) => server.close()));
    throw error;
  }
}

/** `restartEverySec`: every server goes down together, as when the host restarts. */
function startRestarts(servers: Restartable[], everySec: number, downMs: number): { close(): void } {
  if (everySec <= 0) return { close: () => undefined };
  const timer = setInterval(() => {
    for (const server of servers) {
      server.simulateRestart(downMs).catch((error: unknown) => {
        console.error(`simulator: a restart failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }, everySec * 1000);
  return { close: () => clearInterval(timer) };
}
