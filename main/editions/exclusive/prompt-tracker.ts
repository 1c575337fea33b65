// Follows submitted prompts until their result is stored. The websocket is only a hint (ComfyUI sockets go silent
// after hours, and events sent while disconnected are lost): every completion is confirmed with /history/<id>, and
// followed prompts are polled while the socket is quiet or down. Each identity's result is handed over once: it stops
// being followed only after the result handler's promise resolved.
import { filesFromExecuted, type ComfyResult } from '../../comfy/outputs';
import type { ApiWorkflow } from '../../comfy/workflow-types';
import { AuthError } from '../../errors';
import { partitionOutputNames } from '../../comfy/output-names';
import { refusalStatus } from '../connection-reasons';
import { editionOutputFile, type EditionEvent, type EditionResult, type ResultHandler } from '../edition';
import { backoffDelay } from './backoff';
import { wsExecutingSchema, wsProgressSchema, wsPromptDataSchema } from './comfy-replies';
import type { ExclusiveApi } from './exclusive-api';
import type { WsFrame } from './progress-socket';
import type { Logger } from '../../log/logger';

export interface TrackerTiming {
  /** Poll interval with few prompts and a quiet or absent socket. */
  pollIntervalMs: number;
  /** The slowest poll: with many prompts, and as a safety net while the socket is live. */
  maxPollIntervalMs: number;
  /** A live socket that sent nothing for this long is treated as quiet. */
  quietAfterMs: number;
  /** A followed prompt that is in neither /queue nor /history for this long is reported lost. */
  lostAfterMs: number;
}

export interface TrackerOptions {
  api: ExclusiveApi;
  timing: TrackerTiming;
  emit(event: EditionEvent): void;
  /** True while the progress socket is open. */
  socketLive(): boolean;
  /** Records an error that is retried rather than thrown (poll failures, a rejected result handler). */
  logger: Logger;
  onAuthFailed(reason: string, status: number | undefined): void;
  now: () => number;
}

interface Followed {
  identity: string;
  workflow?: ApiWorkflow;
  state: 'unknown' | 'queued' | 'running';
  position?: number;
  /** When the prompt was last seen in the queue (or followed). */
  lastSeen: number;
  delivering: boolean;
}

/**
 * After a `status` frame (the service's queue changed: a prompt was added, started or finished), /queue is read within
 * this long, so the places of the prompts still waiting follow the queue instead of the slow poll. Frames that come
 * closer together share one read.
 */
const QUEUE_CHANGED_POLL_MS = 200;

/** A confirmation read right after `execution_success` can precede ComfyUI's history write: try a few times. */
const CONFIRM_RETRIES_MS = [150, 500, 1500];
/** `executed` frames kept for a prompt not followed yet: how long, how many per prompt, for how many prompts. */
const EARLY_FRAMES_MS = 10_000;
const EARLY_FRAMES_PER_PROMPT = 8;
const EARLY_PROMPTS = 16;

export class PromptTracker {
  private readonly followed = new Map<string, Followed>();
  private readonly confirming = new Set<string>();
  private handler: ResultHandler | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private pollDueAt = 0;
  private readonly confirmTimers = new Set<NodeJS.Timeout>();
  private readonly deliveries = new Set<Promise<void>>();
  private polling: Promise<void> | undefined;
  private failures = 0;
  private stopped = false;
  private authFailed = false;
  /** When the socket last sent a frame about a followed prompt. */
  private lastHint = 0;
  /**
   * `executed` frames (and the end) of prompts not followed yet: ComfyUI may run a quick preview node, or a whole quick
   * prompt, before the reply to the POST that queued it arrives. Replayed when the prompt is followed; a few, for a few
   * seconds (frames of other clients' prompts pass through here too).
   */
  private readonly early = new Map<string, { at: number; frames: WsFrame[] }>();
  /** The queue changed while a poll was reading it: read it again soon after. */
  private queueChangedDuringPoll = false;

  constructor(private readonly options: TrackerOptions) {}

  get size(): number {
    return this.followed.size;
  }

  isFollowed(identity: string): boolean {
    return this.followed.has(identity);
  }

  start(handler: ResultHandler): void {
    this.handler = handler;
    this.schedulePoll(0);
  }

  follow(identity: string, state: Followed['state'], workflow?: ApiWorkflow, position?: number): void {
    if (this.stopped) return;
    const existing = this.followed.get(identity);
    if (existing) {
      existing.workflow ??= workflow;
      return;
    }
    this.followed.set(identity, {
      identity,
      state,
      lastSeen: this.options.now(),
      delivering: false,
      ...(workflow ? { workflow } : {}),
      ...(position !== undefined ? { position } : {}),
    });
    const early = this.early.get(identity);
    this.early.delete(identity);
    for (const frame of early?.frames ?? []) this.handleFrame(frame);
    if (!this.pollTimer && !this.polling) this.schedulePoll(this.interval());
  }

  unfollow(identity: string): void {
    this.followed.delete(identity);
  }

  /** Poll interval: quick while the socket cannot be trusted, slower with many prompts (one /queue read each time). */
  private interval(): number {
    const { pollIntervalMs, maxPollIntervalMs } = this.options.timing;
    if (this.failures > 0) return backoffDelay(this.failures, { initialMs: pollIntervalMs, maxMs: maxPollIntervalMs });
    // status frames reach every socket, so only frames about our own prompts say the socket still serves us
    if (this.options.socketLive() && this.options.now() - this.lastHint < this.options.timing.quietAfterMs) {
      return maxPollIntervalMs;
    }
    return Math.min(maxPollIntervalMs, Math.round(pollIntervalMs * Math.max(1, this.followed.size / 25)));
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped || this.authFailed) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollDueAt = this.options.now() + delayMs;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      this.queueChangedDuringPoll = false;
      this.polling = this.pollOnce().finally(() => {
        this.polling = undefined;
        if (this.followed.size === 0) return;
        this.schedulePoll(this.queueChangedDuringPoll ? QUEUE_CHANGED_POLL_MS : this.interval());
      });
    }, delayMs);
  }

  /**
   * Brings the next poll forward to within `delayMs`: the socket went down (events will be missed) or came back
   * (events were missed while it was down).
   */
  nudge(delayMs: number): void {
    if (this.followed.size === 0 || this.polling) return;
    if (this.pollTimer && this.pollDueAt <= this.options.now() + delayMs) return;
    this.schedulePoll(delayMs);
  }

  /** One round: /queue for states and positions, then /history for each followed prompt that left the queue. */
  async pollOnce(): Promise<void> {
    if (this.followed.size === 0 || this.stopped) return;
    try {
      const queue = await this.options.api.queue();
      const now = this.options.now();
      const running = new Set(queue.running);
      // a position is how many prompts wait ahead in queue_pending (the running one is not waiting)
      const positions = new Map(queue.pending.map((id, index) => [id, index]));
      const gone: Followed[] = [];
      for (const entry of this.followed.values()) {
        const position = positions.get(entry.identity);
        if (running.has(entry.identity)) {
          entry.lastSeen = now;
          this.markRunning(entry);
        } else if (position !== undefined) {
          entry.lastSeen = now;
          if (entry.state !== 'queued' || entry.position !== position) {
            entry.state = 'queued';
            entry.position = position;
            this.options.emit({ type: 'queued', identity: entry.identity, position });
          }
        } else if (!entry.delivering) {
          gone.push(entry);
        }
      }
      // a few at a time: after an outage hundreds of prompts may have finished at once
      const worker = async (): Promise<void> => {
        for (let entry = gone.shift(); entry; entry = gone.shift()) await this.confirm(entry.identity, true);
      };
      await Promise.all(Array.from({ length: Math.min(4, gone.length) }, worker));
      this.failures = 0;
    } catch (error) {
      this.failed(error);
    }
  }

  private failed(error: unknown): void {
    // A read cut short by close() (a poll, a confirmation) is no failure of the service.
    if (this.stopped) return;
    if (error instanceof AuthError) {
      this.authFailed = true;
      this.options.onAuthFailed(error.message, refusalStatus(error));
      return;
    }
    this.failures += 1;
    this.options.logger.warn('Polling the followed prompts failed; retrying with backoff', error);
  }

  private markRunning(entry: Followed): void {
    if (entry.state === 'running') return;
    entry.state = 'running';
    delete entry.position;
    this.options.emit({ type: 'running', identity: entry.identity });
  }

  /**
   * Reads /history for a followed prompt and hands over its result. `fromPoll`: the prompt was absent from the queue
   * just before, so an empty history counts towards "lost".
   */
  private async confirm(identity: string, fromPoll: boolean): Promise<boolean> {
    const entry = this.followed.get(identity);
    if (!entry || entry.delivering || this.confirming.has(identity)) return false;
    this.confirming.add(identity);
    let result: ComfyResult | undefined;
    try {
      result = await this.options.api.history(identity, entry.workflow);
    } finally {
      this.confirming.delete(identity);
    }
    if (!result) {
      if (fromPoll && this.options.now() - entry.lastSeen >= this.options.timing.lostAfterMs) {
        this.handOver(entry, {
          identity,
          outputs: [],
          error:
            'The service no longer knows this job: it is neither queued nor in its history (the service may have restarted). Retry it.',
          external: false,
        });
        return true;
      }
      return false;
    }
    const { safe, refused } = partitionOutputNames(result.files);
    const error = result.status === 'success' ? (safe.length === 0 ? refused[0] : undefined) : result.error;
    this.handOver(entry, {
      identity,
      external: false,
      outputs: safe.map(editionOutputFile),
      ...(error !== undefined ? { error } : {}),
      ...(result.texts ? { texts: result.texts } : {}),
    });
    return true;
  }

  private handOver(entry: Followed, result: EditionResult): void {
    const delivery = this.deliver(entry, result);
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }

  private async deliver(entry: Followed, result: EditionResult): Promise<void> {
    const handler = this.handler;
    // Before start(): keep following; the next poll after start() finds the result again
    if (!handler || entry.delivering) return;
    entry.delivering = true;
    try {
      await handler(result);
      if (this.followed.get(entry.identity) === entry) this.followed.delete(entry.identity);
    } catch (error) {
      this.options.logger.warn(`Storing the result of ${entry.identity} failed; it will be handed over again`, error);
    } finally {
      entry.delivering = false;
    }
  }

  /** A hint from the socket that a prompt finished: confirm it now, and again shortly if history lags. */
  private confirmSoon(identity: string, attempt = 0): void {
    if (this.stopped || !this.followed.has(identity)) return;
    this.confirm(identity, false)
      .then((done) => {
        const delay = CONFIRM_RETRIES_MS[attempt];
        if (done || delay === undefined || this.stopped) return;
        const timer = setTimeout(() => {
          this.confirmTimers.delete(timer);
          this.confirmSoon(identity, attempt + 1);
        }, delay);
        this.confirmTimers.add(timer);
      })
      .catch((error: unknown) => this.failed(error));
  }

  /**
   * Websocket frames → events and completion hints. Frames of prompts this client does not follow are ignored, but a
   * `status` frame (sent to every client when the queue changes) moves the followed prompts that are waiting.
   */
  handleFrame(frame: WsFrame): void {
    if (frame.type === 'status') {
      this.queueChanged();
      return;
    }
    const ids = wsPromptDataSchema.safeParse(frame.data);
    if (!ids.success) return;
    const entry = this.followed.get(ids.data.prompt_id);
    if (!entry) {
      if (frame.type === 'executed' || isEnd(frame)) this.keepEarly(ids.data.prompt_id, frame);
      return;
    }
    this.lastHint = this.options.now();
    switch (frame.type) {
      case 'execution_start':
      case 'execution_cached':
        this.markRunning(entry);
        break;
      case 'executing': {
        const executing = wsExecutingSchema.safeParse(frame.data);
        if (executing.success && (executing.data.node === null || executing.data.node === undefined)) {
          this.confirmSoon(entry.identity);
        } else this.markRunning(entry);
        break;
      }
      case 'progress': {
        const progress = wsProgressSchema.safeParse(frame.data);
        if (!progress.success) break;
        this.markRunning(entry);
        const { value, max, node } = progress.data;
        this.options.emit({
          type: 'progress',
          identity: entry.identity,
          value,
          max,
          ...(typeof node === 'string' ? { node } : {}),
        });
        break;
      }
      case 'executed': {
        // Only `temp` files: a saved output is the result's, fetched once the job is done.
        const previews = filesFromExecuted(frame.data).filter((file) => file.type === 'temp');
        if (previews.length > 0) {
          this.options.emit({ type: 'previews', identity: entry.identity, files: previews.map(editionOutputFile) });
        }
        break;
      }
      case 'execution_success':
      case 'execution_error':
      case 'execution_interrupted':
        this.confirmSoon(entry.identity);
        break;
      default:
        break;
    }
  }

  private keepEarly(promptId: string, frame: WsFrame): void {
    const now = this.options.now();
    for (const [id, kept] of this.early) if (now - kept.at > EARLY_FRAMES_MS) this.early.delete(id);
    const kept = this.early.get(promptId);
    if (kept) {
      // The end is always kept (replayed, it confirms the prompt at once instead of at the next poll).
      const room = kept.frames.length < EARLY_FRAMES_PER_PROMPT;
      if (room || (isEnd(frame) && !kept.frames.some(isEnd))) kept.frames.push(frame);
      return;
    }
    if (this.early.size >= EARLY_PROMPTS) this.early.delete(this.early.keys().next().value ?? '');
    this.early.set(promptId, { at: now, frames: [frame] });
  }

  private queueChanged(): void {
    if (![...this.followed.values()].some((entry) => entry.state !== 'running')) return;
    if (this.polling) this.queueChangedDuringPoll = true;
    else this.nudge(QUEUE_CHANGED_POLL_MS);
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    for (const timer of this.confirmTimers) clearTimeout(timer);
    this.confirmTimers.clear();
    await this.polling;
    await Promise.allSettled([...this.deliveries]);
  }
}

/** The frame that ends a prompt's run: success, error, interruption, or `executing` with no node. */
function isEnd(frame: WsFrame): boolean {
  if (frame.type === 'execution_success' || frame.type === 'execution_error' || frame.type === 'execution_interrupted')
    return true;
  if (frame.type !== 'executing') return false;
  const executing = wsExecutingSchema.safeParse(frame.data);
  return executing.success && (executing.data.node === null || executing.data.node === undefined);
}
