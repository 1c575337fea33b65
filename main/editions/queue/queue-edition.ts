// The API edition ("queue") behind the Edition interface (DESIGN.md rule 5): submit through `api_prompt` on the input
// queue, results only through the sink watcher, images from the OSS mount (reference/artlab-api-edition.md).
import type { InputImage, UploadedInput } from '../input-image';
import { inputInMount, putInputInMount, type InputObjectStore } from './input-upload';
import type { Dispatcher } from 'undici';
import { serializeWorkflow } from '../../comfy/workflow-parse';
import type { ApiWorkflow } from '../../comfy/workflow-types';
import { NotFoundError, ServiceError } from '../../errors';
import type { OssImageSource } from '../../oss/oss-image-source';
import type {
  ConnectionState,
  Edition,
  EditionEvent,
  EditionOutputFile,
  RemoteJobState,
  ResultHandler,
  SubmitReceipt,
  SubmitRequest,
} from '../edition';
import { HttpClient } from '../http';
import { queueAddressOf, type QueueAddress } from './queue-address';
import { QueueClient, type SearchResult } from './queue-client';
import { resultFromFrame } from './sink-result';
import {
  SinkWatcher,
  type SinkWatcherOptions,
  type WatchedFrame,
  type WatcherProblem,
  type WatcherStats,
} from './sink-watcher';
import { TypedEmitter } from '../../typed-emitter';

/**
 * Where output files come from: the service's OSS output folder (main/oss's OssImageSource, or anything with its
 * `get`). The caller owns it and closes it.
 */
export type OutputImageSource = Pick<OssImageSource, 'get'>;

/** Watcher settings a caller may tune (tests shorten timers and inject the clock and dice). */
export type WatcherTuning = Omit<SinkWatcherOptions, 'sink' | 'onFrame' | 'isOwnTask' | 'leaveForeign' | 'window'>;

export interface QueueEditionOptions {
  /** The service URL from the console: `http://<host>/api/predict/<service>`. */
  url: string;
  token?: string;
  /** The consumer uid stored with the service, so uncommitted results come back to this app after a restart. */
  uid: string;
  gid?: string;
  /** How the service is named in messages, e.g. `the service “sd-prod”`. */
  label?: string;
  /** The service's name in coded sentences; the service name in the URL when absent. */
  name?: string;
  /** Most results in flight on the sink watch. */
  window?: number;
  /** Per-service choice: leave results of other clients in the sink instead of adopting them as external. */
  leaveForeignResults?: boolean;
  /** Whether the app created an identity (the ledger knows). Identities submitted or followed here always count. */
  ownsIdentity?: (identity: string) => boolean;
  images?: OutputImageSource;
  /** The service's OSS mount, where input images are put (its ComfyUI reads them from there). */
  inputs?: InputObjectStore;
  watcher?: WatcherTuning;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

const REMEMBERED_WORKFLOWS = 10_000;

export class QueueEdition implements Edition {
  readonly kind = 'queue' as const;
  readonly address: QueueAddress;
  readonly input: QueueClient;
  readonly sink: QueueClient;
  private readonly http: HttpClient;
  private readonly label: string;
  private watcher: SinkWatcher | undefined;
  private readonly events = new TypedEmitter<{
    event: EditionEvent;
    problem: WatcherProblem;
    commit: readonly number[];
  }>();
  /** Identities this app submitted or follows; their workflows, when known, name nodes in error messages. */
  private readonly own = new Map<string, ApiWorkflow | undefined>();
  private closed = false;

  constructor(private readonly options: QueueEditionOptions) {
    this.address = queueAddressOf(options.url);
    this.label = options.label ?? `the service “${this.address.service}”`;
    this.http = new HttpClient({
      baseUrl: this.address.predictBase,
      token: options.token,
      label: this.label,
      name: options.name ?? this.address.service,
      timeoutMs: options.timeoutMs,
      dispatcher: options.dispatcher,
    });
    const identity = { http: this.http, uid: options.uid, gid: options.gid };
    this.input = new QueueClient({ ...identity, queue: this.address.service });
    this.sink = new QueueClient({ ...identity, queue: this.address.sink });
  }

  /** `POST {url}/api_prompt?task_id=<identity>` with the bare workflow; the reply is the input-queue index. */
  async submit(request: SubmitRequest): Promise<SubmitReceipt> {
    this.remember(request.identity, request.workflow);
    const receipt = await this.input.put(
      serializeWorkflow(request.workflow),
      { task_id: request.identity },
      {
        suffix: 'api_prompt',
      },
    );
    this.emit({ type: 'queued', identity: request.identity });
    return { identity: request.identity, queueIndex: receipt.index };
  }

  /**
   * Deletes a job that no worker has taken yet. A job a worker already runs cannot be stopped through the queue (the
   * API edition has no interrupt): that, and a job no longer in the queue, answer 'not-found' — its result will still
   * come through the sink. Between the search and the delete a worker may take the job; its result then still arrives.
   */
  async cancel(identity: string, receipt?: SubmitReceipt): Promise<'removed' | 'interrupted' | 'not-found'> {
    const index = receipt?.queueIndex;
    if (index === undefined) return 'not-found';
    const found = await this.input.search(index);
    if (!found || found.IsPending === true) return 'not-found';
    await this.input.delete([index]);
    this.own.delete(identity);
    return 'removed';
  }

  /**
   * Where a task_id stands, asked of the input queue (by its index when known, else by the tag) and then of the sink. A
   * worker puts a result on the sink before it commits the input item, and this app commits a sink frame only after
   * storing its result, so a task the service received is in one of the two (or its result is in the ledger): found in
   * neither, it provably never arrived ('absent'). A service that refuses the tag filter leaves it 'unknown'.
   */
  async lookup(identity: string, receipt?: SubmitReceipt): Promise<RemoteJobState> {
    const index = receipt?.queueIndex;
    const known = index === undefined ? undefined : await this.input.search(index);
    if (known) return stateOfSearch(known);
    try {
      const queued = await this.input.find({ task_id: identity });
      if (queued) {
        const found = await this.input.search(queued.index);
        return found ? stateOfSearch(found) : { state: 'queued' };
      }
      // Finished: its result waits on the sink, and the watcher delivers it.
      if (await this.sink.find({ task_id: identity })) return { state: 'running' };
      return { state: 'absent' };
    } catch (error) {
      if (error instanceof ServiceError && error.status === 400) return { state: 'unknown' };
      throw error;
    }
  }

  /** The input queue's consumers (`consumers.status.total`): the service's workers, or undefined when not said. */
  async workerCount(signal?: AbortSignal): Promise<number | undefined> {
    return (await this.input.attributes(signal)).consumers;
  }

  /** Jobs waiting in the input queue (`stream.length`), for the UI's "jobs waiting". */
  async waitingCount(signal?: AbortSignal): Promise<number | undefined> {
    return (await this.input.attributes(signal)).length;
  }

  start(onResult: ResultHandler): void {
    if (this.watcher || this.closed) return;
    const watcher = new SinkWatcher({
      ...this.options.watcher,
      sink: this.sink,
      window: this.options.window,
      leaveForeign: this.options.leaveForeignResults ?? false,
      isOwnTask: (taskId) => this.own.has(taskId) || (this.options.ownsIdentity?.(taskId) ?? false),
      onFrame: (frame) => this.deliver(frame, onResult),
    });
    this.watcher = watcher;
    watcher.onState((state) => this.emit({ type: 'connection', state }));
    watcher.onProblem((problem) => this.events.emit('problem', problem));
    watcher.onCommit((indexes) => this.events.emit('commit', indexes));
    watcher.start();
  }

  follow(identity: string): void {
    if (!this.own.has(identity)) this.remember(identity, undefined);
  }

  onEvent(listener: (event: EditionEvent) => void): () => void {
    return this.events.on('event', listener);
  }

  /** What went wrong on the sink without stopping it (unreadable frames, failed handlers or commits). */
  onProblem(listener: (problem: WatcherProblem) => void): () => void {
    return this.events.on('problem', listener);
  }

  /** Sink indexes the service accepted as committed: results acknowledged for good. */
  onCommit(listener: (indexes: readonly number[]) => void): () => void {
    return this.events.on('commit', listener);
  }

  /** Counters of the sink watcher (connections, handled, committed, duplicates…), once started. */
  get watcherStats(): Readonly<WatcherStats> | undefined {
    return this.watcher ? { ...this.watcher.stats } : undefined;
  }

  get connection(): ConnectionState {
    return this.watcher?.state ?? { state: 'stopped' };
  }

  async download(file: EditionOutputFile, destination: string, signal?: AbortSignal): Promise<void> {
    if (!this.options.images) {
      throw new NotFoundError(
        `${this.label} keeps its images in OSS, and no OSS output location is set. Add the OSS storage path and AccessKey in the service's settings.`,
      );
    }
    await this.options.images.get({ filename: file.filename, subfolder: file.subfolder }, destination, { signal });
  }

  /** Puts an input image in the service's OSS mount (once per content) and says what a LoadImage input takes. */
  uploadInput(image: InputImage, signal?: AbortSignal): Promise<UploadedInput> {
    return putInputInMount(this.options.inputs, this.options.name ?? this.address.service, image, signal);
  }

  /** Whether the service's OSS mount holds that input. */
  hasInput(name: string): Promise<boolean> {
    return inputInMount(this.options.inputs, this.options.name ?? this.address.service, name);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.watcher?.close();
    this.events.clear();
    await this.http.close();
  }

  private async deliver(frame: WatchedFrame, onResult: ResultHandler): Promise<void> {
    const workflow = frame.taskId === undefined ? undefined : this.own.get(frame.taskId);
    await onResult(resultFromFrame(frame, workflow ? { workflow } : {}));
    if (frame.taskId !== undefined) this.own.delete(frame.taskId);
  }

  private remember(identity: string, workflow: ApiWorkflow | undefined): void {
    this.own.set(identity, workflow);
    if (this.own.size <= REMEMBERED_WORKFLOWS) return;
    const oldest = this.own.keys().next();
    if (!oldest.done) this.own.delete(oldest.value);
  }

  private emit(event: EditionEvent): void {
    this.events.emit('event', event);
  }
}

function stateOfSearch(found: SearchResult): RemoteJobState {
  if (found.IsPending === true) return { state: 'running' };
  return found.WaitCount === undefined ? { state: 'queued' } : { state: 'queued', position: found.WaitCount };
}
