// The API edition's ComfyUI instances: N workers consume the input queue as one consumer group (in process, not over
// HTTP), run each workflow with the shared engine, write outputs into the OSS mount and put the result on the sink
// in the format of reference/artlab-api-edition.md. A crashing worker leaves its item pending: the queue hands it to
// another worker after the grace period, and the job then completes once.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseJson, stringifyJson } from '../../../main/comfy/json-bigint';
import { runPrompt as engineRun, validatePrompt as engineValidate } from '../comfy/engine';
import type { ComfyEvent, OutputFile, PromptErrorBody, RunOptions, RunResult } from '../comfy/engine-types';
import type { FaultInjector } from '../faults';
import type { Consumer, Queue, QueueItem } from './queue';

export interface Engine {
  validatePrompt: typeof engineValidate;
  runPrompt(opts: RunOptions): Promise<RunResult>;
}

/** Where output files go: the OSS bucket the service mounts as ComfyUI's data directory. */
export interface OutputStore {
  put(key: string, bytes: Buffer, contentType?: string): unknown;
  /** Input images: the service's ComfyUI reads `<prefix>/input/<name>` from the mount, as ArtLab's does. */
  get(key: string): { bytes: Buffer } | undefined;
}

export interface WorkerPoolOptions {
  input: Queue;
  sink: Queue;
  store: OutputStore;
  /** The mount prefix in the bucket: outputs are `<prefix>/output/<subfolder>/<filename>`. */
  prefix: string;
  workers: number;
  faults: FaultInjector;
  engine?: Engine;
  /** How long a crashed worker takes to come back (as a new consumer). */
  restartDelayMs?: number;
  now?: () => number;
}

export interface WorkerStats {
  completed: number;
  failed: number;
  crashed: number;
  running: number;
}

const WORKER_GROUP = 'comfyui-workers';

const apiPromptSchema = z.record(
  z.string(),
  z.object({
    class_type: z.string(),
    inputs: z.record(z.string(), z.unknown()),
    _meta: z.object({ title: z.string().optional() }).optional(),
  }),
);

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly crashedItems = new Set<number>();
  readonly stats: WorkerStats = { completed: 0, failed: 0, crashed: 0, running: 0 };
  private readonly idleWaiters = new Set<() => void>();
  private started = false;
  private lastWorkerId = 0;

  constructor(readonly options: WorkerPoolOptions) {
    for (let i = 0; i < options.workers; i += 1) this.workers.push(new Worker(this, (this.lastWorkerId += 1)));
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * The control plane placed or removed instances. A removed worker's job is killed and its item redelivered; a new
   * worker is a new consumer (a fresh id, so no uid of a removed one is reused).
   */
  async resize(count: number): Promise<void> {
    while (this.workers.length < count) {
      const worker = new Worker(this, (this.lastWorkerId += 1));
      this.workers.push(worker);
      if (this.started) worker.start();
    }
    await Promise.all(this.workers.splice(count).map((worker) => worker.stop()));
  }

  get engine(): Engine {
    return this.options.engine ?? { validatePrompt: engineValidate, runPrompt: engineRun };
  }

  /** Workers start taking jobs. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const worker of this.workers) worker.start();
  }

  /** The service stops: running jobs are killed and their items stay pending for redelivery. */
  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }

  close(): Promise<void> {
    return this.stop();
  }

  /** Resolves when no job is running and the input queue holds nothing a worker could take. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.add(resolve));
  }

  /** One roll per item: a job crashes at most once, so it always completes eventually. */
  shouldCrash(item: QueueItem): boolean {
    if (this.crashedItems.has(item.index)) return false;
    if (this.options.faults.options.workerCrashRate <= 0) return false;
    if (this.options.faults.roll() >= this.options.faults.options.workerCrashRate) return false;
    this.crashedItems.add(item.index);
    return true;
  }

  jobSettled(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters) resolve();
    this.idleWaiters.clear();
  }

  private isIdle(): boolean {
    return this.stats.running === 0 && this.options.input.length === 0;
  }
}

class Worker {
  private consumer: Consumer | undefined;
  private generation = 0;
  private job: { abort: AbortController; done: Promise<void> } | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly pool: WorkerPool,
    private readonly id: number,
  ) {}

  start(): void {
    this.running = true;
    this.attach();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.restartTimer);
    this.job?.abort.abort();
    await this.job?.done;
    this.consumer?.detach();
    this.consumer = undefined;
  }

  private attach(): void {
    if (!this.running) return;
    // A restarted instance is a new process: a new uid, so its old item goes to whichever worker is free after grace.
    this.generation += 1;
    const spec = {
      gid: WORKER_GROUP,
      uid: `worker-${this.id}-${this.generation}`,
      index: 0,
      window: 1,
      autoCommit: false,
      tags: {},
    };
    this.consumer = this.pool.options.input.attach(spec, (item) => {
      const abort = new AbortController();
      // Delivery happens inside attach(): start the job on the next tick, once this.consumer is set.
      const job = { abort, done: Promise.resolve().then(() => this.runJob(item, abort.signal)) };
      this.job = job;
      void job.done.finally(() => {
        if (this.job === job) this.job = undefined;
      });
    });
  }

  private crash(): void {
    this.pool.stats.crashed += 1;
    this.consumer?.detach();
    this.consumer = undefined;
    this.restartTimer = setTimeout(() => this.attach(), this.pool.options.restartDelayMs ?? 50);
  }

  /** Never rejects: an unexpected failure becomes an error result, as ComfyUI reports a node's exception. */
  private async runJob(item: QueueItem, signal: AbortSignal): Promise<void> {
    const { options } = this.pool;
    this.pool.stats.running += 1;
    try {
      const crashes = this.pool.shouldCrash(item);
      const crashController = new AbortController();
      const result = await this.execute(item, AbortSignal.any([signal, crashController.signal]), (event) => {
        if (crashes && event.type === 'executing') crashController.abort();
      }).catch((error: unknown) => ({
        data: [errorItem(randomUUID(), Date.now(), { exception_message: String(error) })],
        failed: true,
      }));
      if (crashes) return this.crash();
      if (!result || signal.aborted) return; // stopped: the item stays pending and is redelivered
      const tags: Record<string, string> = { requestId: item.tags.requestId ?? randomUUID() };
      if (item.tags.task_id !== undefined) tags.task_id = item.tags.task_id;
      options.sink.put(Buffer.from(stringifyJson(result.data)), tags);
      if (result.failed) this.pool.stats.failed += 1;
      else this.pool.stats.completed += 1;
      options.input.remove([item.index]);
    } finally {
      this.pool.stats.running -= 1;
      this.pool.jobSettled();
    }
  }

  /** Runs one item; the sink data, or undefined when the run was interrupted. */
  private async execute(
    item: QueueItem,
    signal: AbortSignal,
    onEvent: (event: ComfyEvent) => void,
  ): Promise<{ data: unknown[]; failed: boolean } | undefined> {
    const promptId = randomUUID();
    const now = this.pool.options.now ?? Date.now;
    let parsed: unknown;
    try {
      // Python's json keeps integers exact at any size: a 64-bit seed must not be rounded as JSON.parse would.
      parsed = parseJson(item.data.toString('utf8'));
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'not JSON';
      return {
        data: [errorItem(promptId, now(), { exception_message: `The request is not JSON: ${reason}` })],
        failed: true,
      };
    }
    const { engine } = this.pool;
    const validation = engine.validatePrompt(parsed);
    const prompt = apiPromptSchema.safeParse(parsed);
    if (!validation.ok || !prompt.success) {
      const body = validation.ok ? undefined : validation.body;
      return { data: [validationErrorItem(promptId, now(), body)], failed: true };
    }
    const executed: ComfyEvent[] = [];
    const result = await engine.runPrompt({
      promptId,
      prompt: prompt.data,
      outputNodes: validation.outputNodes,
      stepMs: this.pool.options.faults.options.stepMs,
      signal,
      emit: (event) => {
        if (event.type === 'executed') executed.push(executedItem(event));
        onEvent(event);
      },
      writeFile: (file, bytes) => this.writeFile(file, bytes),
      readInput: (name) => this.readInput(name),
      nameFile: (prefix, _index, extension) => nameOutput(prefix, extension, now()),
    });
    if (result.status === 'interrupted') return undefined;
    if (result.status === 'error') return { data: [...executed, result.error], failed: true };
    return { data: [...executed, result.outputs], failed: false };
  }

  private readInput(name: string): Buffer | undefined {
    const prefix = this.pool.options.prefix.replace(/^\/+|\/+$/g, '');
    return this.pool.options.store.get([prefix, 'input', name].filter((part) => part !== '').join('/'))?.bytes;
  }

  private async writeFile(file: OutputFile, bytes: Buffer): Promise<void> {
    const prefix = this.pool.options.prefix.replace(/^\/+|\/+$/g, '');
    const parts = [prefix, file.type, file.subfolder, file.filename].filter((part) => part !== '');
    await this.pool.options.store.put(parts.join('/'), bytes, contentTypeOf(file.filename));
  }
}

/** `ComfyUI_<unixtime>_<uuid>_.png`, as the API edition names files; a prefix `a/b` puts the file in subfolder `a`. */
export function nameOutput(
  filenamePrefix: string,
  extension: string,
  nowMs: number,
): { filename: string; subfolder: string } {
  const slash = filenamePrefix.lastIndexOf('/');
  const subfolder = slash >= 0 ? filenamePrefix.slice(0, slash) : '';
  const base = slash >= 0 ? filenamePrefix.slice(slash + 1) : filenamePrefix;
  return { filename: `${base}_${Math.floor(nowMs / 1000)}_${randomUUID()}_.${extension}`, subfolder };
}

function contentTypeOf(filename: string): string {
  if (filename.endsWith('.png')) return 'image/png';
  if (filename.endsWith('.webp')) return 'image/webp';
  if (filename.endsWith('.mp4')) return 'video/mp4';
  return 'application/octet-stream';
}

/** The sink's `executed` item: node, output and prompt_id only (the published example drops display_node). */
function executedItem(event: ComfyEvent): ComfyEvent {
  const { node, output, prompt_id } = event.data;
  return { type: 'executed', data: { node, output, prompt_id } };
}

function errorItem(promptId: string, timestamp: number, data: Record<string, unknown>): ComfyEvent {
  return {
    type: 'execution_error',
    data: {
      prompt_id: promptId,
      node_id: null,
      node_type: null,
      executed: [],
      exception_type: 'InvalidRequest',
      traceback: [],
      current_inputs: {},
      current_outputs: {},
      timestamp,
      ...data,
    },
  };
}

/** A workflow that fails validation: the first failing node and every node error, so the app can say where. */
function validationErrorItem(promptId: string, timestamp: number, body: PromptErrorBody | undefined): ComfyEvent {
  if (!body) return errorItem(promptId, timestamp, { exception_message: 'The workflow is not an API-format graph' });
  const [firstNode, firstErrors] = Object.entries(body.node_errors)[0] ?? [];
  const details = Object.entries(body.node_errors).flatMap(([id, node]) =>
    node.errors.map((error) => `${node.class_type} ${id}: ${error.message}: ${error.details}`),
  );
  return errorItem(promptId, timestamp, {
    node_id: firstNode ?? null,
    node_type: firstErrors?.class_type ?? null,
    exception_type: body.error.type,
    exception_message: [body.error.message, body.error.details, ...details].filter((line) => line !== '').join('\n'),
    node_errors: body.node_errors,
  });
}
