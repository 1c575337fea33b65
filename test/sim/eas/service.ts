// One simulated API-edition service: the EAS queue server plus the ComfyUI workers behind it. This is the handle
// tests hold: stats, stop/start ("service stopped" in the console), restarts, and waiting until the work is done.
import type { FaultInjector, Restartable } from '../faults';
import { EasQueueServer } from './server';
import { WorkerPool, type Engine, type OutputStore, type WorkerStats } from './workers';
import type { Queue } from './queue';

export interface EasServiceOptions {
  /** 0 = a free port. */
  port: number;
  token: string;
  service: string;
  redeliveryGraceMs: number;
  faults: FaultInjector;
  /** The OSS bucket mounted as ComfyUI's data directory, and the mount prefix in it. */
  store: OutputStore;
  prefix: string;
  engine?: Engine;
}

export interface QueueStats {
  length: number;
  /** Sent to a consumer and not committed yet. */
  pending: number;
  lastIndex: number;
  /** Frames handed out, redeliveries included. */
  deliveries: number;
}

export interface EasServiceStats {
  running: boolean;
  input: QueueStats;
  sink: QueueStats;
  /** Open websocket watchers. */
  watchers: number;
  jobs: WorkerStats;
}

export class EasService implements Restartable {
  private constructor(
    readonly server: EasQueueServer,
    readonly workers: WorkerPool,
    readonly token: string,
  ) {}

  static async start(options: EasServiceOptions): Promise<EasService> {
    const server = await EasQueueServer.start({
      port: options.port,
      token: options.token,
      service: options.service,
      redeliveryGraceMs: options.redeliveryGraceMs,
      faults: options.faults,
    });
    const workers = new WorkerPool({
      input: server.input,
      sink: server.sink,
      store: options.store,
      prefix: options.prefix,
      workers: options.faults.options.workers,
      faults: options.faults,
      engine: options.engine,
    });
    workers.start();
    return new EasService(server, workers, options.token);
  }

  /** `http://127.0.0.1:Q/api/predict/<service>` */
  get url(): string {
    return this.server.url;
  }
  /** `127.0.0.1:Q` */
  get endpoint(): string {
    return this.server.endpoint;
  }
  get input(): Queue {
    return this.server.input;
  }
  get sink(): Queue {
    return this.server.sink;
  }

  stats(): EasServiceStats {
    return {
      running: this.server.running,
      input: queueStats(this.server.input),
      sink: queueStats(this.server.sink),
      watchers: this.server.watcherCount,
      jobs: { ...this.workers.stats },
    };
  }

  /** Stops the service as the console does: requests get 503, watchers drop, running jobs die (and are redone later). */
  async stop(): Promise<void> {
    this.server.stopService();
    await this.workers.stop();
  }

  start(): void {
    this.server.startService();
    this.workers.start();
  }

  /** The control plane placed or removed worker instances (scaling, or a start placing them one by one). */
  resize(workers: number): Promise<void> {
    return this.workers.resize(workers);
  }

  /** Resolves once every submitted job has its result on the sink. */
  whenIdle(): Promise<void> {
    return this.workers.whenIdle();
  }

  simulateRestart(downMs: number): Promise<void> {
    return this.server.simulateRestart(downMs);
  }

  async close(): Promise<void> {
    await this.workers.close();
    await this.server.close();
  }
}

function queueStats(queue: Queue): QueueStats {
  return {
    length: queue.length,
    pending: queue.pendingCount(),
    lastIndex: queue.lastIndex,
    deliveries: queue.deliveries,
  };
}
