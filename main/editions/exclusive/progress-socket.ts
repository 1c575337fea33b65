// The ComfyUI progress socket `GET {url}ws?clientId=` (reference/comfyui-api.md). The token goes on the upgrade and no
// Origin header is sent (ComfyUI answers a foreign Origin with 403). It reconnects with capped exponential backoff and
// jitter, and stops for good on 401/403: retrying a refused token only loops (STYLE.md, comfyui-sdk issue #21).
// The socket is a hint: the client confirms every completion through /history.
import WebSocket from 'ws';
import { dropReason, socketErrorReason, tokenRefusedWhy, type DropReason } from '../connection-reasons';
import type { ConnectionState } from '../edition';
import { backoffDelay, type BackoffOptions } from './backoff';
import { wsFrameSchema } from './comfy-replies';

export interface WsFrame {
  type: string;
  data: unknown;
}

export interface ProgressSocketOptions {
  url: URL;
  headers: Record<string, string>;
  label: string;
  onFrame(frame: WsFrame): void;
  onState(state: ConnectionState): void;
  backoff?: BackoffOptions;
  handshakeTimeoutMs?: number;
  /** A ping this often; a socket that does not answer within `pongTimeoutMs` is dead (sleep, a lost route). */
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  /** A connection that stayed open this long resets the backoff; a server that drops every socket at once does not. */
  stableAfterMs?: number;
  /**
   * The largest frame received (ws `maxPayload`). Text frames are small JSON; binary frames are preview images, a few
   * MiB at most. ws closes the socket on a larger frame and this reconnects: the socket is only a hint.
   */
  maxFrameBytes?: number;
  now?: () => number;
}

export const DEFAULT_MAX_PROGRESS_FRAME_BYTES = 32 * 1024 * 1024;

export class ProgressSocket {
  private socket: WebSocket | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = false;
  private current: ConnectionState = { state: 'stopped' };
  private lastFrame = 0;
  private readonly now: () => number;
  private readonly maxFrameBytes: number;

  constructor(private readonly options: ProgressSocketOptions) {
    this.now = options.now ?? Date.now;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_PROGRESS_FRAME_BYTES;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** When the last frame of any kind arrived (0 = never). */
  get lastFrameAt(): number {
    return this.lastFrame;
  }

  get live(): boolean {
    return this.current.state === 'live';
  }

  start(): void {
    if (this.stopped || this.socket || this.retryTimer) return;
    this.connect();
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    this.options.onState(state);
  }

  private connect(): void {
    this.retryTimer = undefined;
    if (this.stopped) return;
    this.attempt += 1;
    this.setState({ state: 'connecting', attempt: this.attempt });
    const socket = new WebSocket(this.options.url, {
      headers: this.options.headers,
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
      perMessageDeflate: false,
      maxPayload: this.maxFrameBytes,
    });
    this.socket = socket;
    let refusedStatus: number | undefined;
    let failure: DropReason | undefined;
    let openedAt: number | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    let pongDeadline: NodeJS.Timeout | undefined;

    socket.on('unexpected-response', (request, response) => {
      refusedStatus = response.statusCode;
      response.resume();
      request.destroy();
      // destroy() alone may not emit 'close' on the websocket before the upgrade: end it ourselves
      socket.terminate();
    });
    socket.on('open', () => {
      openedAt = this.now();
      this.lastFrame = openedAt;
      this.setState({ state: 'live' });
      heartbeat = setInterval(() => {
        if (pongDeadline) return;
        pongDeadline = setTimeout(() => {
          failure = dropReason('the progress connection stopped answering', 'progress-stalled');
          socket.terminate();
        }, this.options.pongTimeoutMs ?? 10_000);
        socket.ping();
      }, this.options.pingIntervalMs ?? 30_000);
    });
    socket.on('pong', () => {
      if (pongDeadline) clearTimeout(pongDeadline);
      pongDeadline = undefined;
    });
    socket.on('message', (data, isBinary) => {
      this.lastFrame = this.now();
      // binary frames are image previews: not needed
      if (isBinary) return;
      let json: unknown;
      try {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        json = JSON.parse(bytes.toString('utf8'));
      } catch {
        return;
      }
      const frame = wsFrameSchema.safeParse(json);
      if (frame.success) this.options.onFrame({ type: frame.data.type, data: frame.data.data });
    });
    socket.on('error', (error) => {
      failure ??= socketErrorReason(error, this.maxFrameBytes, 'progress frame');
    });
    socket.on('close', (code) => {
      if (heartbeat) clearInterval(heartbeat);
      if (pongDeadline) clearTimeout(pongDeadline);
      if (this.socket === socket) this.socket = undefined;
      if (this.stopped) return;
      if (openedAt !== undefined && this.now() - openedAt >= (this.options.stableAfterMs ?? 5_000)) this.attempt = 0;
      if (refusedStatus === 401 || refusedStatus === 403) {
        this.stopped = true;
        this.setState({
          state: 'auth-failed',
          reason: `${this.options.label} refused the token on the progress connection (HTTP ${refusedStatus}). Copy the token again from the console's call information.`,
          why: tokenRefusedWhy(refusedStatus),
        });
        return;
      }
      this.scheduleReconnect(
        refusedStatus !== undefined
          ? dropReason(
              `the service answered HTTP ${refusedStatus} instead of opening the progress connection`,
              'connection-http',
              { status: refusedStatus },
            )
          : (failure ?? dropReason(`the progress connection closed (code ${code})`, 'connection-closed', { code })),
      );
    });
  }

  private scheduleReconnect({ reason, why }: DropReason): void {
    const delay = backoffDelay(Math.max(1, this.attempt), this.options.backoff);
    const nextAttemptAt = this.now() + delay;
    this.setState({ state: 'backing-off', attempt: this.attempt, nextAttemptAt, reason, why });
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /**
   * Stops reconnecting and closes the socket; resolves once it is closed. Reports `final` (`stopped` by default; the
   * client passes `auth-failed` when its HTTP requests found the token refused).
   */
  async close(final: ConnectionState = { state: 'stopped' }): Promise<void> {
    const wasAuthFailed = this.current.state === 'auth-failed';
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.terminate();
      });
    }
    if (!wasAuthFailed) this.setState(final);
  }
}
