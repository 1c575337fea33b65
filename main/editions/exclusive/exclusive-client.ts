// The Exclusive edition ("direct"): one ComfyUI instance behind the EAS gateway, or a local ComfyUI without a token
// (DESIGN.md). Implements the Edition interface over ComfyUI's HTTP API and progress socket.
import { randomUUID } from 'node:crypto';
import { Agent } from 'undici';
import type { NodeCatalog } from '../../comfy/node-catalog';
import { safeOutputName } from '../../comfy/output-names';
import { NotFoundError, ValidationError } from '../../errors';
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
import { tokenRefusedWhy } from '../connection-reasons';
import { HttpClient } from '../http';
import type { BackoffOptions } from './backoff';
import { downloadToFile } from './download';
import { hasInputImage, uploadInputImage, type InputImage, type UploadedInput } from './input-upload';
import { ExclusiveApi, type QueueSnapshot, type ServiceHealth } from './exclusive-api';
import { ProgressSocket } from './progress-socket';
import { PromptTracker, type TrackerTiming } from './prompt-tracker';
import { TypedEmitter } from '../../typed-emitter';
import { silentLogger, type Logger } from '../../log/logger';

export interface ExclusiveClientOptions {
  /** The service URL, e.g. `http://<service>.<id>.cn-shanghai.pai-eas.aliyuncs.com/` or `http://127.0.0.1:8188/`. */
  url: string;
  /** The EAS token; none for a local ComfyUI. */
  token?: string;
  /** How messages name the service, e.g. `the service “sd-prod”`. */
  label?: string;
  /** The service's name in coded sentences; the URL's host when absent. */
  name?: string;
  /** ComfyUI's client_id for this client instance (websocket events go to it). */
  clientId?: string;
  timing?: Partial<TrackerTiming>;
  backoff?: BackoffOptions;
  /** False: no progress socket, polling only. */
  progressSocket?: boolean;
  timeoutMs?: number;
  /** The largest JSON reply read (default: HttpClient's). */
  maxReplyBytes?: number;
  /** /view downloads: the largest file kept, and how long a transfer may send nothing (defaults: download.ts). */
  maxDownloadBytes?: number;
  downloadIdleMs?: number;
  now?: () => number;
  /** Where errors that are retried instead of thrown are recorded. */
  logger?: Logger;
}

const DEFAULT_TIMING: TrackerTiming = {
  pollIntervalMs: 2_000,
  maxPollIntervalMs: 15_000,
  quietAfterMs: 10_000,
  lostAfterMs: 120_000,
};

export class ExclusiveClient implements Edition {
  readonly kind = 'exclusive' as const;
  readonly clientId: string;
  readonly label: string;
  private readonly agent: Agent;
  private readonly http: HttpClient;
  private readonly api: ExclusiveApi;
  private readonly socket: ProgressSocket | undefined;
  private readonly tracker: PromptTracker;
  // A listener's failure must not stop the others or the client.
  private readonly events = new TypedEmitter<{ event: EditionEvent }>();
  private readonly now: () => number;
  private readonly timing: TrackerTiming;
  private readonly logger: Logger;
  private connection: ConnectionState = { state: 'stopped' };
  private closed = false;
  private readonly downloadLimits: { maxBytes?: number; idleTimeoutMs?: number };

  constructor(options: ExclusiveClientOptions) {
    this.now = options.now ?? Date.now;
    this.clientId = options.clientId ?? randomUUID();
    this.label = options.label ?? `the ComfyUI service at ${serviceUrl(options.url).host}`;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.downloadLimits = {
      ...(options.maxDownloadBytes !== undefined ? { maxBytes: options.maxDownloadBytes } : {}),
      ...(options.downloadIdleMs !== undefined ? { idleTimeoutMs: options.downloadIdleMs } : {}),
    };
    const timeoutMs = options.timeoutMs ?? 30_000;
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      connect: { timeout: 10_000 },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    this.http = new HttpClient({
      baseUrl: serviceUrl(options.url).href,
      label: this.label,
      ...(options.name ? { name: options.name } : {}),
      dispatcher: this.agent,
      timeoutMs,
      ...(options.maxReplyBytes !== undefined ? { maxReplyBytes: options.maxReplyBytes } : {}),
      ...(options.token ? { token: options.token } : {}),
    });
    this.api = new ExclusiveApi(this.http, this.label, this.now);
    this.logger = options.logger ?? silentLogger;
    if (options.progressSocket !== false) {
      const wsUrl = this.http.url('ws', { clientId: this.clientId });
      wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
      this.socket = new ProgressSocket({
        url: wsUrl,
        headers: this.http.authHeaders(),
        label: this.label,
        now: this.now,
        ...(options.backoff ? { backoff: options.backoff } : {}),
        onFrame: (frame) => this.tracker.handleFrame(frame),
        onState: (state) => {
          const wasLive = this.connection.state === 'live';
          this.setConnection(state);
          if (state.state === 'live') this.tracker.nudge(0);
          else if (wasLive) this.tracker.nudge(this.timing.pollIntervalMs);
        },
      });
    }
    this.tracker = new PromptTracker({
      api: this.api,
      timing: this.timing,
      now: this.now,
      emit: (event) => this.emit(event),
      socketLive: () => this.socket?.live ?? false,
      logger: this.logger,
      onAuthFailed: (reason, status) => {
        if (this.connection.state === 'auth-failed') return;
        const state: ConnectionState = { state: 'auth-failed', reason, why: tokenRefusedWhy(status) };
        if (this.socket) void this.socket.close(state);
        else this.setConnection(state);
      },
    });
  }

  /** The progress connection's state, as last reported through `connection` events. */
  get connectionState(): ConnectionState {
    return this.connection;
  }

  private setConnection(state: ConnectionState): void {
    this.connection = state;
    this.emit({ type: 'connection', state });
  }

  private emit(event: EditionEvent): void {
    this.events.emit('event', event);
  }

  onEvent(listener: (event: EditionEvent) => void): () => void {
    return this.events.on('event', listener);
  }

  private ensureSocket(): void {
    if (!this.closed) this.socket?.start();
  }

  start(onResult: ResultHandler): void {
    this.ensureSocket();
    this.tracker.start(onResult);
  }

  async submit(request: SubmitRequest): Promise<SubmitReceipt> {
    this.ensureSocket();
    const reply = await this.api.submitPrompt({
      promptId: request.identity,
      clientId: this.clientId,
      jobId: request.jobId,
      workflow: request.workflow,
    });
    if (reply.refusedOutputs) {
      // The part ComfyUI accepted is queued or already running: take it back so that no half of the workflow
      // passes for the job. If it finished first, its files stay on the service and the job still fails.
      await this.cancel(request.identity).catch((error: unknown) =>
        this.logger.error('Withdrawing a partly refused prompt failed', error),
      );
      throw reply.refusedOutputs;
    }
    this.tracker.follow(request.identity, 'queued', request.workflow);
    this.emit({ type: 'queued', identity: request.identity });
    return { identity: request.identity, queueIndex: reply.number };
  }

  follow(identity: string): void {
    this.ensureSocket();
    this.tracker.follow(identity, 'unknown');
  }

  /**
   * What the service knows of a prompt. The queue is read before the history, so a prompt that finishes between the
   * two reads is still seen; when both say nothing, both are read once more before answering `unknown`.
   */
  async lookup(identity: string): Promise<RemoteJobState> {
    for (let round = 0; round < 2; round++) {
      const queue = await this.api.queue();
      const inQueue = queueState(queue, identity);
      if (inQueue) return inQueue;
      const result = await this.api.history(identity);
      if (result) {
        return {
          state: 'done',
          result: {
            identity,
            external: false,
            outputs: result.files.map(({ animated: _animated, ...file }) => file),
            ...(result.status === 'success' ? {} : { error: result.error }),
            ...(result.texts ? { texts: result.texts } : {}),
          },
        };
      }
    }
    return { state: 'unknown' };
  }

  /** Pending: removed from the queue. Running: interrupted (its result, marked interrupted, still arrives). */
  async cancel(identity: string): Promise<'removed' | 'interrupted' | 'not-found'> {
    const queue = await this.api.queue();
    if (queue.pending.includes(identity)) {
      await this.api.deletePending([identity]);
      // It may have started between the listing and the delete, which ComfyUI then ignores
      const after = await this.api.queue();
      if (after.running.includes(identity)) {
        await this.api.interrupt(identity);
        return 'interrupted';
      }
      this.tracker.unfollow(identity);
      return 'removed';
    }
    if (queue.running.includes(identity)) {
      await this.api.interrupt(identity);
      return 'interrupted';
    }
    return 'not-found';
  }

  async download(file: EditionOutputFile, destination: string, signal?: AbortSignal): Promise<void> {
    safeOutputName(file.filename, file.subfolder);
    const what = `the ${file.kind === 'gifs' ? 'video' : 'image'} "${file.filename}"`;
    await downloadToFile({
      url: this.http.url('view', { filename: file.filename, subfolder: file.subfolder, type: file.type || 'output' }),
      headers: this.http.authHeaders(),
      dispatcher: this.agent,
      destination,
      what,
      label: this.label,
      ...this.downloadLimits,
      ...(signal ? { signal } : {}),
      statusError: (status, text) =>
        status === 404
          ? new NotFoundError(
              `${this.label} no longer has ${what} (HTTP 404). It may have been deleted on the service.`,
            )
          : this.http.statusError(status, text),
    });
  }

  /** Puts an input image in the service's input folder (once per content) and says what a LoadImage input takes. */
  uploadInput(image: InputImage, signal?: AbortSignal): Promise<UploadedInput> {
    return uploadInputImage(this.http, this.label, image, signal);
  }

  /** Whether the service's input folder holds that file. */
  hasInput(name: string, signal?: AbortSignal): Promise<boolean> {
    return hasInputImage(this.http, name, signal);
  }

  /** GET /system_stats: ComfyUI's version, the device, and the round trip. */
  health(): Promise<ServiceHealth> {
    return this.api.systemStats();
  }

  /** GET /object_info: the service's node catalogue, for validating workflows against what it has installed. */
  nodeCatalog(): Promise<NodeCatalog> {
    return this.api.objectInfo();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.api.abort();
    await this.tracker.close();
    await this.socket?.close();
    await this.http.close();
    // destroy, not close: a download in progress ends now rather than holding the shutdown
    await this.agent.destroy();
  }
}

function queueState(queue: QueueSnapshot, identity: string): RemoteJobState | undefined {
  if (queue.running.includes(identity)) return { state: 'running' };
  const index = queue.pending.indexOf(identity);
  return index >= 0 ? { state: 'queued', position: index } : undefined;
}

function serviceUrl(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text.trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ValidationError(
      `"${text.trim().slice(0, 120)}" is not a service URL. Copy it from the console's call information, e.g. http://<service>.<id>.cn-shanghai.pai-eas.aliyuncs.com/, or use http://127.0.0.1:8188/ for a local ComfyUI.`,
    );
  }
  return url;
}
