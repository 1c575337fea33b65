// The long-lived watch on an API-edition service's sink (reference/eas-queue.md, "Watch semantics"): one websocket,
// frames handed to the caller, each committed only after the caller's promise resolves (DESIGN.md rule 4). Delivery
// is at-least-once, so the watcher de-duplicates by index and task_id; it notices a dead socket by pong deadline,
// reconnects with capped, jittered backoff, and stops for good on a refused token (STYLE.md, the comfyui-sdk lesson).
import { WebSocket, type RawData } from 'ws';
import { dropReason, refusalStatus, socketErrorReason, tokenRefusedWhy, type DropReason } from '../connection-reasons';
import type { ConnectionState } from '../edition';
import { CommitBatcher } from './commit-batcher';
import { commitOversizedFrame } from './oversized-frame';
import { decodeSinkFrame } from './sink-frame';
import {
  DEFAULT_MAX_FRAME_BYTES,
  type SinkWatcherOptions,
  type WatchedFrame,
  type WatcherProblem,
  type WatcherStats,
} from './sink-watcher-options';
import { BoundedSet, backoffDelay, systemTimerClock, type BackoffOptions, type TimerClock } from './watch-support';
import { TypedEmitter } from '../../typed-emitter';

export type { SinkFrame } from './sink-frame';
export {
  DEFAULT_MAX_FRAME_BYTES,
  type SinkWatcherOptions,
  type WatchedFrame,
  type WatcherProblem,
  type WatcherStats,
} from './sink-watcher-options';

interface Connection {
  ws: WebSocket;
  ended: boolean;
  status?: number;
  dropped: DropReason;
  /** Dropped on purpose so the server redelivers frames whose handler failed: come back at once. */
  recycle: boolean;
  /** Foreign frames left uncommitted on this socket. */
  foreignHeld: number;
  /** ws refused a frame over maxFrameBytes and closed the socket (code 1009). */
  oversized: boolean;
  cancelPing?: () => void;
  cancelPongDeadline?: () => void;
}

const CLOSE_FLUSH_MS = 2000;

export class SinkWatcher {
  readonly stats: WatcherStats = {
    connects: 0,
    handled: 0,
    committed: 0,
    duplicates: 0,
    garbage: 0,
    handlerFailures: 0,
  };
  private current: ConnectionState = { state: 'stopped' };
  private readonly events = new TypedEmitter<{
    state: ConnectionState;
    problem: WatcherProblem;
    commit: readonly number[];
  }>();
  private readonly clock: TimerClock;
  private readonly random: () => number;
  private readonly window: number;
  private readonly maxForeignHeld: number;
  private readonly backoff: BackoffOptions;
  private connection: Connection | undefined;
  private failures = 0;
  private handlerFailureStreak = 0;
  private started = false;
  private closed = false;
  private authFailed = false;
  private cancelReconnect: (() => void) | undefined;
  private cancelRedelivery: (() => void) | undefined;
  private readonly commits: CommitBatcher;
  private readonly handledIndexes: BoundedSet<number>;
  private readonly handledTasks: BoundedSet<string>;
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly tasksInFlight = new Map<string, Promise<void>>();
  private readonly maxFrameBytes: number;
  /** Oversized frames already reported, so one whose commit fails is not reported at every reconnect. */
  private readonly reportedOversized = new BoundedSet<number>(1000);
  private readonly lifetime = new AbortController();

  constructor(private readonly options: SinkWatcherOptions) {
    this.clock = options.clock ?? systemTimerClock;
    this.random = options.random ?? Math.random;
    this.window = Math.max(1, options.window ?? 16);
    this.maxForeignHeld = Math.max(0, options.maxForeignHeld ?? this.window);
    this.backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    this.maxFrameBytes = Math.max(1024, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    const remember = options.remember ?? 100_000;
    this.handledIndexes = new BoundedSet(remember);
    this.handledTasks = new BoundedSet(remember);
    this.commits = new CommitBatcher({
      sink: options.sink,
      clock: this.clock,
      random: this.random,
      backoff: this.backoff,
      delayMs: options.commitDelayMs ?? 5,
      onCommitted: (indexes) => {
        this.stats.committed += indexes.length;
        this.events.emit('commit', indexes);
      },
      onFailed: (indexes, error) => this.report({ kind: 'commit-failed', indexes, error }),
      onAuthFailed: (error) => this.stopOnAuth(error.message, refusalStatus(error)),
    });
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Calls `listener` on every state change; returns the unsubscribe. */
  onState(listener: (state: ConnectionState) => void): () => void {
    return this.events.on('state', listener);
  }

  onProblem(listener: (problem: WatcherProblem) => void): () => void {
    return this.events.on('problem', listener);
  }

  /** Calls `listener` with the indexes of every commit the service accepted. */
  onCommit(listener: (indexes: readonly number[]) => void): () => void {
    return this.events.on('commit', listener);
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.connect();
  }

  /** Stops for good: no socket, timer or reconnect is left. Handled frames not yet committed are committed first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lifetime.abort(new Error('the watcher was closed'));
    this.cancelReconnect?.();
    this.cancelRedelivery?.();
    if (this.connection) this.endConnection(this.connection, dropReason('closed', 'connection-closed'));
    // Commits of handled frames go out, within a short deadline: a frame left uncommitted is only redelivered on the
    // next run, where the caller's ledger recognises its task_id.
    if (this.authFailed) this.commits.stop();
    else await this.commits.drain(CLOSE_FLUSH_MS);
    this.setState({ state: 'stopped' });
    this.events.clear();
  }

  private connect(): void {
    this.cancelReconnect = undefined;
    if (this.closed || this.authFailed) return;
    this.setState({ state: 'connecting', attempt: this.failures + 1 });
    // Foreign frames left alone hold window slots until the socket drops; the extra slots bound how many may do so
    // before the app's own results stall (reported as foreign-window-full).
    const window = this.window + (this.options.leaveForeign ? this.maxForeignHeld : 0);
    const url = this.options.sink.url('', {
      _watch_: true,
      _index_: 0,
      _window_: window,
      _index_only_: false,
      _auto_commit_: false,
    });
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, {
      headers: this.options.sink.watchHeaders(),
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
      perMessageDeflate: false,
      followRedirects: false,
      maxPayload: this.maxFrameBytes,
    });
    const conn: Connection = {
      ws,
      ended: false,
      dropped: dropReason('the connection closed', 'connection-closed'),
      recycle: false,
      foreignHeld: 0,
      oversized: false,
    };
    this.connection = conn;
    this.stats.connects += 1;
    ws.on('unexpected-response', (_req, res) => {
      conn.status = res.statusCode ?? 0;
      const status = conn.status;
      conn.dropped = dropReason(`the service answered the watch with HTTP ${status}`, 'connection-http', { status });
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      if (conn.ended) return;
      this.setState({ state: 'live' });
      this.schedulePing(conn);
    });
    ws.on('message', (data: RawData) => {
      if (!conn.ended) this.receive(conn, toBytes(data));
    });
    ws.on('pong', () => {
      conn.cancelPongDeadline?.();
      conn.cancelPongDeadline = undefined;
      this.failures = 0;
    });
    ws.on('error', (error: Error) => {
      const dropped = socketErrorReason(error, this.maxFrameBytes, 'result frame');
      if (dropped.why.code === 'frame-oversized') conn.oversized = true;
      if (conn.oversized || conn.status === undefined) conn.dropped = dropped;
    });
    ws.on('close', () => this.connectionEnded(conn));
  }

  private schedulePing(conn: Connection): void {
    conn.cancelPing = this.clock.setTimer(() => {
      if (conn.ended) return;
      if (!conn.cancelPongDeadline) {
        conn.cancelPongDeadline = this.clock.setTimer(() => {
          const ms = this.options.pongTimeoutMs ?? 5000;
          conn.dropped = dropReason(`no answer to a ping within ${ms} ms`, 'ping-unanswered', { ms });
          conn.ws.terminate();
        }, this.options.pongTimeoutMs ?? 5000);
        conn.ws.ping();
      }
      this.schedulePing(conn);
    }, this.options.pingIntervalMs ?? 2000);
  }

  private endConnection(conn: Connection, dropped: DropReason): void {
    conn.dropped = dropped;
    conn.ws.terminate();
    this.connectionEnded(conn);
  }

  private connectionEnded(conn: Connection): void {
    if (conn.ended) return;
    conn.ended = true;
    conn.cancelPing?.();
    conn.cancelPongDeadline?.();
    conn.ws.removeAllListeners('message');
    if (this.connection === conn) this.connection = undefined;
    if (this.closed || this.authFailed) return;
    if (conn.status === 401 || conn.status === 403) {
      return this.stopOnAuth(
        `The service refused the token (HTTP ${conn.status}). Copy the token again from the console's call information.`,
        conn.status,
      );
    }
    if (conn.recycle) return this.connect();
    if (conn.oversized) return void this.skipOversized(conn.dropped);
    this.reconnectLater(conn.dropped);
  }

  private reconnectLater({ reason, why }: DropReason): void {
    const attempt = this.failures + 1;
    const delay = backoffDelay(this.failures, this.backoff, this.random);
    this.failures += 1;
    this.setState({ state: 'backing-off', attempt, nextAttemptAt: this.clock.now() + delay, reason, why });
    this.cancelReconnect = this.clock.setTimer(() => this.connect(), delay);
  }

  /** A frame over maxFrameBytes comes back on every reconnect: skipped as oversized-frame.ts explains. */
  private async skipOversized(dropped: DropReason): Promise<void> {
    this.setState({ state: 'connecting', attempt: this.failures + 1 });
    try {
      const index = await commitOversizedFrame({
        sink: this.options.sink,
        maxFrameBytes: this.maxFrameBytes,
        probes: this.window + this.maxForeignHeld + 16,
        signal: this.lifetime.signal,
        reported: this.reportedOversized,
        onUnreadable: (problem) => {
          this.stats.garbage += 1;
          this.report({ kind: 'garbage-frame', committed: true, ...problem });
        },
      });
      if (index !== undefined) {
        this.handledIndexes.add(index);
        this.stats.committed += 1;
        if (!this.closed && !this.authFailed) this.connect();
        return;
      }
    } catch (error) {
      if (this.closed || this.authFailed) return;
      this.report({ kind: 'commit-failed', indexes: [], error });
    }
    if (!this.closed && !this.authFailed) this.reconnectLater(dropped);
  }

  private stopOnAuth(reason: string, status: number | undefined): void {
    this.authFailed = true;
    this.cancelReconnect?.();
    this.cancelRedelivery?.();
    this.commits.stop();
    if (this.connection) {
      const conn = this.connection;
      this.connection = undefined;
      conn.ended = true;
      conn.cancelPing?.();
      conn.cancelPongDeadline?.();
      conn.ws.terminate();
    }
    this.setState({ state: 'auth-failed', reason, why: tokenRefusedWhy(status) });
  }

  private receive(conn: Connection, bytes: Uint8Array): void {
    const decoded = decodeSinkFrame(bytes);
    if (!decoded.ok) {
      this.stats.garbage += 1;
      // An undecodable frame decodes no better when redelivered: left uncommitted it would hold a window slot for
      // the life of the connection and come back after every reconnect, so `window` of them would stall the
      // watcher for good. It is reported (index and reason) and committed when its index can be trusted.
      const committed = decoded.index !== undefined;
      if (decoded.index !== undefined) this.markHandled(decoded.index, undefined);
      this.report({ kind: 'garbage-frame', index: decoded.index, reason: decoded.reason, committed });
      return;
    }
    this.failures = 0;
    const frame = decoded.frame;
    const { index, taskId } = frame;
    if (this.handledIndexes.has(index)) {
      // Handled in this run and its commit lost or still on the way: commit again, do not handle twice.
      this.stats.duplicates += 1;
      return this.queueCommit(index);
    }
    if (this.inFlight.has(index)) return; // redelivered while its handler runs: that handler commits it
    if (taskId !== undefined && this.handledTasks.has(taskId)) return this.duplicateTask(index, taskId);
    const external = taskId === undefined || !(this.options.isOwnTask?.(taskId) ?? true);
    if (external && this.options.leaveForeign) return this.leaveForeignFrame(conn);
    const run = this.handle({ ...frame, external });
    this.inFlight.set(index, run);
    if (taskId !== undefined) this.tasksInFlight.set(taskId, run);
    void run.finally(() => {
      this.inFlight.delete(index);
      if (taskId !== undefined && this.tasksInFlight.get(taskId) === run) this.tasksInFlight.delete(taskId);
    });
  }

  /** Never rejects: a handler failure is reported and leaves the frame uncommitted for redelivery. */
  private async handle(frame: WatchedFrame): Promise<void> {
    const { index, taskId } = frame;
    try {
      const earlier = taskId === undefined ? undefined : this.tasksInFlight.get(taskId);
      if (earlier) await earlier;
      if (taskId !== undefined && this.handledTasks.has(taskId)) return this.duplicateTask(index, taskId);
      await this.options.onFrame(frame);
      this.stats.handled += 1;
      this.handlerFailureStreak = 0;
      this.markHandled(index, taskId);
    } catch (error) {
      this.stats.handlerFailures += 1;
      this.handlerFailureStreak += 1;
      this.report({ kind: 'handler-failed', index, taskId, error });
      this.scheduleRedelivery();
    }
  }

  /** A second result for one task_id (a submit retried after a lost reply ran twice): the first one stands. */
  private duplicateTask(index: number, taskId: string): void {
    this.stats.duplicates += 1;
    this.report({ kind: 'duplicate-task', index, taskId });
    this.markHandled(index, taskId);
  }

  private markHandled(index: number, taskId: string | undefined): void {
    if (this.closed) return;
    this.handledIndexes.add(index);
    if (taskId !== undefined) this.handledTasks.add(taskId);
    this.queueCommit(index);
  }

  /**
   * The server redelivers an uncommitted frame only after the socket drops, so a frame whose handler failed would
   * otherwise hold its slot until the next network hiccup. Drop the socket on purpose, after a backoff that grows
   * while handlers keep failing (a full disk must not turn into a reconnect loop).
   */
  private scheduleRedelivery(): void {
    if (this.cancelRedelivery || this.closed || this.authFailed) return;
    const delay = Math.max(50, backoffDelay(this.handlerFailureStreak, this.backoff, this.random));
    this.cancelRedelivery = this.clock.setTimer(() => {
      this.cancelRedelivery = undefined;
      const conn = this.connection;
      if (!conn || conn.ended) return;
      conn.recycle = true;
      this.endConnection(conn, dropReason('redelivering results whose handling failed', 'redelivering'));
    }, delay);
  }

  /**
   * A foreign frame left uncommitted holds its slot on this connection until its owner commits it or the socket drops
   * (then it comes back). Counted per connection, as the server counts; reported once the extra slots are all taken,
   * because from then on foreign frames eat into the app's own window.
   */
  private leaveForeignFrame(conn: Connection): void {
    conn.foreignHeld += 1;
    if (conn.foreignHeld === Math.max(1, this.maxForeignHeld))
      this.report({ kind: 'foreign-window-full', held: conn.foreignHeld });
  }

  private queueCommit(index: number): void {
    if (!this.closed && !this.authFailed) this.commits.add(index);
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    this.events.emit('state', state);
  }

  private report(problem: WatcherProblem): void {
    this.events.emit('problem', problem);
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
