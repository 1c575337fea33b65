// One EAS service as its control plane sees it: status, instances placed one by one, events, and the data plane it
// switches off while stopped or starting. The transitions follow reference/eas-control.md §3 (an inferred model:
// Stopped →start→ Waiting (Pending = n) → Running; Running →stop→ Stopping → Stopped; Running →scale→ Scaling →
// Running). Delays are options so tests can run them fast.
import { randomBytes } from 'node:crypto';

export type ServiceStatus = 'Running' | 'Waiting' | 'Scaling' | 'Stopping' | 'Stopped';

export interface LifecycleDelays {
  /** Per instance, from pending to running (EAS places them one after another). */
  placementMs: number;
  /** From StopService to Stopped. */
  stopMs: number;
  /** Per instance removed by a scale-in. */
  removalMs: number;
}

export const DEFAULT_LIFECYCLE_DELAYS: LifecycleDelays = { placementMs: 300, stopMs: 400, removalMs: 100 };

/** What the control plane switches: the service's own endpoint answers 503 while it is off. */
export interface DataPlane {
  stop(): Promise<void> | void;
  start(): void;
  /** The number of running workers changed (an instance placed or removed); absent = one fixed instance. */
  resize?(workers: number): Promise<void> | void;
}

export interface InstanceState {
  name: string;
  role: 'Standard' | 'Queue';
  status: 'Pending' | 'Running';
  createTime: string;
  startTime?: string;
}

export interface ServiceEvent {
  time: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  resource: 'Service' | 'Pod';
}

export interface LifecycleOptions {
  name: string;
  /** Worker instances while running (metadata.instance). */
  instances: number;
  /** The API edition runs a CPU "queue service" instance beside the workers (reference §2, D-COMFY). */
  queueInstance: boolean;
  delays: LifecycleDelays;
  dataPlane: DataPlane;
  now?: () => number;
}

/** A request the current state does not allow (EAS's own code is unpublished: reference §9 question 4). */
export class StateConflict extends Error {}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class ServiceLifecycle {
  status: ServiceStatus = 'Running';
  /** metadata.instance: the worker count the service is asked to hold. */
  desired: number;
  readonly createTime: string;
  updateTime: string;
  private workers: InstanceState[] = [];
  private queue: InstanceState | undefined;
  private readonly events: ServiceEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private serial = 0;
  /** Bumped by every transition: a timer of an earlier one finds it changed and does nothing. */
  private generation = 0;

  constructor(private readonly options: LifecycleOptions) {
    this.desired = options.instances;
    this.createTime = iso(this.now());
    this.updateTime = this.createTime;
    // A simulator starts with its services already running, as an artist usually finds them.
    for (let i = 0; i < options.instances; i += 1) this.workers.push(this.running(this.instance('Standard')));
    if (options.queueInstance) this.queue = this.running(this.instance('Queue'));
  }

  get name(): string {
    return this.options.name;
  }

  counts(): { running: number; pending: number; total: number } {
    const running = this.workers.filter((w) => w.status === 'Running').length;
    return { running, pending: this.workers.length - running, total: this.workers.length };
  }

  /** Workers first, then the queue instance; each a copy. */
  instances(): InstanceState[] {
    return [...this.workers, ...(this.queue ? [this.queue] : [])].map((i) => ({ ...i }));
  }

  eventLog(): ServiceEvent[] {
    return this.events.map((e) => ({ ...e }));
  }

  start(): void {
    if (this.status === 'Running' || this.status === 'Waiting') return; // already up or on its way: nothing to do
    if (this.status !== 'Stopped') throw new StateConflict(`service ${this.name} is ${this.status}`);
    this.transition('Waiting', 'Starting', 'Service is starting');
    const count = Math.max(this.desired, 0);
    this.workers = Array.from({ length: count }, () => this.instance('Standard'));
    if (this.options.queueInstance) this.queue = this.instance('Queue');
    this.placeNext(this.generation);
  }

  stop(): void {
    if (this.status === 'Stopped' || this.status === 'Stopping') return;
    this.transition('Stopping', 'Stopping', 'Service is stopping');
    const generation = this.generation;
    // Instances are torn down first: the endpoint answers 503 from the moment the stop begins.
    void Promise.resolve(this.options.dataPlane.stop()).finally(() => {
      this.schedule(generation, this.options.delays.stopMs, () => {
        this.workers = [];
        this.queue = undefined;
        this.transition('Stopped', 'Stopped', 'Service stopped');
      });
    });
  }

  scale(target: number): void {
    if (this.status !== 'Running' && this.status !== 'Scaling') {
      throw new StateConflict(`service ${this.name} is ${this.status}, not Running`);
    }
    this.desired = target;
    this.transition('Scaling', 'Scaling', `Scale service to ${target} instances`);
    const generation = this.generation;
    if (target > this.workers.length) {
      const added = target - this.workers.length;
      for (let i = 0; i < added; i += 1) this.workers.push(this.instance('Standard'));
      this.placeNext(generation);
    } else {
      this.removeNext(generation);
    }
  }

  close(): void {
    this.generation += 1;
    clearTimeout(this.timer);
  }

  private placeNext(generation: number): void {
    const pending = this.workers.find((w) => w.status === 'Pending');
    if (!pending) return this.settleRunning();
    this.schedule(generation, this.options.delays.placementMs, () => {
      this.running(pending);
      this.record('Normal', 'Pod', 'InstanceRunning', `Instance ${pending.name} is running`);
      void this.options.dataPlane.resize?.(this.counts().running);
      this.placeNext(generation);
    });
  }

  private removeNext(generation: number): void {
    if (this.workers.length <= this.desired) return this.settleRunning();
    this.schedule(generation, this.options.delays.removalMs, () => {
      const removed = this.workers.pop();
      if (removed) this.record('Normal', 'Pod', 'InstanceDeleted', `Instance ${removed.name} was deleted`);
      void this.options.dataPlane.resize?.(this.counts().running);
      this.removeNext(generation);
    });
  }

  private settleRunning(): void {
    if (this.queue) this.running(this.queue);
    this.transition('Running', 'RUNNING', 'Service start successfully');
    // A service with no worker has no healthy upstream: the gateway answers 503 (reference §4).
    if (this.workers.length > 0) this.options.dataPlane.start();
    else void this.options.dataPlane.stop();
  }

  private transition(status: ServiceStatus, reason: string, message: string): void {
    this.generation += 1;
    clearTimeout(this.timer);
    this.status = status;
    this.updateTime = iso(this.now());
    const { running, total } = this.counts();
    // Event messages are JSON text themselves (reference §2, the SDK's example).
    const detail = JSON.stringify({ message, availableInstance: running, unavailableInstance: total - running });
    this.record('Normal', 'Service', reason, detail);
  }

  private schedule(generation: number, delayMs: number, step: () => void): void {
    if (generation !== this.generation) return;
    this.timer = setTimeout(() => {
      if (generation === this.generation) step();
    }, delayMs);
  }

  private record(
    type: ServiceEvent['type'],
    resource: ServiceEvent['resource'],
    reason: string,
    message: string,
  ): void {
    this.events.push({ time: iso(this.now()), type, reason, message, resource });
    if (this.events.length > 1000) this.events.shift();
  }

  private instance(role: InstanceState['role']): InstanceState {
    this.serial += 1;
    const suffix = randomBytes(3).toString('hex');
    const kind = role === 'Queue' ? 'queue' : 'worker';
    return {
      name: `${this.name}-${kind}-${this.serial}-${suffix}`,
      role,
      status: 'Pending',
      createTime: iso(this.now()),
    };
  }

  private running(instance: InstanceState): InstanceState {
    if (instance.status === 'Running') return instance;
    instance.status = 'Running';
    instance.startTime = iso(this.now());
    return instance;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
