// The EAS queue service of one API-edition service, on 127.0.0.1: the input queue `<service>` and the sink
// `<service>/sink`, every operation of reference/eas-queue.md over HTTP, and watch over a websocket upgrade.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { FaultInjector, defaultFaults, type Restartable } from '../faults';
import { PROTOBUF, encodeAttributes, encodeFrame, encodeFrameList, wantsProtobuf } from './frames';
import { PayloadTooLargeError, header, readBody, refuseUpgrade, replyBytes, replyJson, replyText } from './http-util';
import { QueryError, boolParam, indexesParam, intParam, parseGoDuration, tagsOf } from './query';
import { Queue, type ConsumerSpec, type QueueItem } from './queue';

export const MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;
export const UID_HEADER = 'X-EAS-QueueService-Redis-Uid';
export const GID_HEADER = 'X-EAS-QueueService-Redis-Gid';
export const REQUEST_ID_HEADER = 'X-Eas-Queueservice-Request-Id';

export interface EasQueueServerOptions {
  /** 0 = a free port. */
  port: number;
  token: string;
  service: string;
  /** How long an item whose consumer dropped stays reserved for that uid before others of its group may take it. */
  redeliveryGraceMs: number;
  maxLength: number;
  faults: FaultInjector;
  now?: () => number;
}

interface Route {
  queue: Queue;
  apiPrompt: boolean;
}

export class EasQueueServer implements Restartable {
  readonly input: Queue;
  readonly sink: Queue;
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<Socket>();
  private readonly watchers = new Set<WebSocket>();
  private readonly longPolls = new Set<() => void>();
  private readonly longPollWaiters = new Set<() => void>();
  private restartTimer: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;
  private restarting: Promise<void> | undefined;
  private boundPort = 0;
  private closed = false;
  private stopped = false;

  private constructor(private readonly options: EasQueueServerOptions) {
    const queueOptions = {
      redeliveryGraceMs: options.redeliveryGraceMs,
      maxLength: options.maxLength,
      now: options.now,
    };
    this.input = new Queue(options.service, queueOptions);
    this.sink = new Queue(`${options.service}/sink`, queueOptions);
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  static async start(
    options: Partial<EasQueueServerOptions> & { token: string; service: string },
  ): Promise<EasQueueServer> {
    const server = new EasQueueServer({
      port: 0,
      redeliveryGraceMs: 2000,
      maxLength: 100_000,
      faults: new FaultInjector(defaultFaults),
      ...options,
    });
    await server.listen(options.port ?? 0);
    return server;
  }

  get port(): number {
    return this.boundPort;
  }
  /** `127.0.0.1:<port>`, as the console shows the endpoint (no scheme). */
  get endpoint(): string {
    return `127.0.0.1:${this.boundPort}`;
  }
  /** The API-edition service URL a user copies: `http://127.0.0.1:<port>/api/predict/<service>`. */
  get url(): string {
    return `http://${this.endpoint}/api/predict/${this.options.service}`;
  }
  get watcherCount(): number {
    return this.watchers.size;
  }
  get running(): boolean {
    return !this.stopped;
  }

  /** Resolves once the server accepts connections again (at once unless a restart is under way). */
  whenListening(): Promise<void> {
    return this.restarting ?? Promise.resolve();
  }

  /** Resolves when the next get starts waiting for data: lets a test put only once the long poll is parked. */
  nextLongPoll(): Promise<void> {
    return new Promise((resolve) => this.longPollWaiters.add(resolve));
  }

  /** The service is stopped from the console: requests get 503 and watchers are dropped; data is kept. */
  stopService(): void {
    this.stopped = true;
    for (const ws of this.watchers) ws.terminate();
    for (const finish of [...this.longPolls]) finish();
  }

  startService(): void {
    this.stopped = false;
  }

  simulateRestart(downMs: number): Promise<void> {
    // A restart asked for while one is under way is the same restart.
    this.restarting ??= this.restart(downMs).finally(() => (this.restarting = undefined));
    return this.restarting;
  }

  private async restart(downMs: number): Promise<void> {
    if (this.closed) return;
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.dropEverything();
    await closing;
    await new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      this.restartTimer = setTimeout(resolve, downMs);
    });
    this.wakeUp = undefined;
    if (!this.closed) await this.listen(this.boundPort);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.restartTimer);
    this.wakeUp?.();
    const closing = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    this.dropEverything();
    this.wss.close();
    this.input.close();
    this.sink.close();
    await closing;
  }

  private dropEverything(): void {
    for (const finish of [...this.longPolls]) finish();
    for (const ws of this.watchers) ws.terminate();
    for (const socket of this.sockets) socket.destroy();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private route(pathname: string): Route | undefined {
    const prefix = `/api/predict/${this.options.service}`;
    if (pathname === prefix || pathname === `${prefix}/`) return { queue: this.input, apiPrompt: false };
    if (pathname === `${prefix}/sink` || pathname === `${prefix}/sink/`) return { queue: this.sink, apiPrompt: false };
    if (pathname === `${prefix}/api_prompt`) return { queue: this.input, apiPrompt: true };
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (await this.options.faults.beforeHttpReply(req, res)) return;
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const route = this.route(url.pathname);
      if (!route) return replyText(res, 404, `Not Found: no service or queue at ${url.pathname}`);
      if (header(req, 'authorization') !== this.options.token) {
        return replyText(res, 401, 'Unauthorized: the Authorization header must carry the service token');
      }
      if (this.stopped) return replyText(res, 503, `Service Unavailable: service ${this.options.service} is stopped`);
      await this.dispatch(req, res, url.searchParams, route);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
      } else if (error instanceof QueryError) {
        replyText(res, 400, `Bad Request: ${error.message}`);
      } else if (error instanceof PayloadTooLargeError) {
        replyText(res, 413, `Payload Too Large: ${error.message}`);
      } else {
        replyText(res, 500, `Internal Server Error: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    params: URLSearchParams,
    route: Route,
  ): Promise<void> {
    const { queue } = route;
    const method = req.method ?? 'GET';
    if (route.apiPrompt) {
      if (method !== 'POST') return replyText(res, 405, 'Method Not Allowed: api_prompt takes POST');
      const body = await readBody(req, MAX_PAYLOAD_BYTES);
      const reason = notJsonObject(body);
      if (reason) return replyText(res, 400, `Bad Request: the body must be an API-format workflow (JSON): ${reason}`);
      return this.put(res, queue, body, tagsOf(params));
    }
    if (method === 'GET') {
      if (boolParam(params, '_attrs_', false)) return this.attributes(req, res, queue);
      if (boolParam(params, '_search_', false)) {
        const index = intParam(params, '_index_', 0);
        const found = queue.search(index);
        if (!found) return replyText(res, 404, `Not Found: index ${index} is not in queue ${queue.name}`);
        return replyJson(res, 200, found);
      }
      if (boolParam(params, '_watch_', false))
        return replyText(res, 400, 'Bad Request: watch needs a websocket upgrade');
      return this.get(req, res, queue, params);
    }
    if (method === 'POST') return this.put(res, queue, await readBody(req, MAX_PAYLOAD_BYTES), tagsOf(params));
    if (method === 'PUT') {
      const indexes = indexesParam(params);
      if (boolParam(params, '_negative_', false)) {
        await readBody(req, MAX_PAYLOAD_BYTES); // `_code_=…&_reason_=…`: accepted, not needed to redeliver
        queue.negativeCommit(indexes);
      } else {
        queue.remove(indexes);
      }
      return replyText(res, 200, 'OK');
    }
    if (method === 'DELETE') {
      if (boolParam(params, '_trunc_', false)) {
        const below = intParam(params, '_index_', -1);
        if (below < 0) throw new QueryError('_trunc_=true needs _index_=<n>');
        queue.truncate(below);
      } else {
        queue.remove(indexesParam(params));
      }
      return replyText(res, 200, 'OK');
    }
    return replyText(res, 405, `Method Not Allowed: ${method}`);
  }

  private put(res: ServerResponse, queue: Queue, body: Buffer, tags: Record<string, string>): void {
    const item = queue.put(body, tags);
    replyText(res, 200, String(item.index), { [REQUEST_ID_HEADER]: item.tags.requestId ?? '' });
  }

  private attributes(req: IncomingMessage, res: ServerResponse, queue: Queue): void {
    const attributes = queue.attributes();
    if (wantsProtobuf(header(req, 'accept'))) replyBytes(res, PROTOBUF, encodeAttributes(attributes));
    else replyJson(res, 200, attributes);
  }

  private async get(req: IncomingMessage, res: ServerResponse, queue: Queue, params: URLSearchParams): Promise<void> {
    const from = intParam(params, '_index_', 0);
    const length = Math.max(1, intParam(params, '_length_', 1));
    const timeoutMs = parseGoDuration(params.get('_timeout_') ?? '0');
    const autoDelete = boolParam(params, '_auto_delete_', false);
    const raw = boolParam(params, '_raw_', false);
    const tags = tagsOf(params);
    const items = await this.waitForItems(res, queue, () => queue.read(from, length, tags), timeoutMs);
    if (res.destroyed) return;
    if (autoDelete && items.length > 0) queue.remove(items.map((item) => item.index));
    if (raw) return replyBytes(res, 'application/octet-stream', items[0]?.data ?? new Uint8Array());
    replyBytes(res, PROTOBUF, encodeFrameList(items));
  }

  /** Long poll: answers as soon as a put makes `read` non-empty, or with what there is when the timeout ends. */
  private waitForItems(
    res: ServerResponse,
    queue: Queue,
    read: () => QueueItem[],
    timeoutMs: number,
  ): Promise<QueueItem[]> {
    const found = read();
    if (found.length > 0 || timeoutMs <= 0) return Promise.resolve(found);
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        stopListening();
        res.off('close', finish);
        this.longPolls.delete(finish);
        resolve(read());
      };
      const timer = setTimeout(finish, timeoutMs);
      const stopListening = queue.onPut(() => {
        if (read().length > 0) finish();
      });
      res.on('close', finish);
      this.longPolls.add(finish);
      for (const waiter of this.longPollWaiters) waiter();
      this.longPollWaiters.clear();
    });
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const route = this.route(url.pathname);
      if (!route || route.apiPrompt) return refuseUpgrade(socket, 404, `Not Found: no queue at ${url.pathname}`);
      if (header(req, 'authorization') !== this.options.token) {
        return refuseUpgrade(socket, 401, 'Unauthorized: the Authorization header must carry the service token');
      }
      if (this.stopped)
        return refuseUpgrade(socket, 503, `Service Unavailable: service ${this.options.service} is stopped`);
      const params = url.searchParams;
      if (!boolParam(params, '_watch_', false))
        return refuseUpgrade(socket, 400, 'Bad Request: a websocket needs _watch_=true');
      const spec: ConsumerSpec = {
        gid: header(req, GID_HEADER) ?? 'eas',
        uid: header(req, UID_HEADER) ?? randomUUID(),
        index: intParam(params, '_index_', 0),
        window: Math.max(1, intParam(params, '_window_', 1)),
        autoCommit: boolParam(params, '_auto_commit_', false),
        tags: tagsOf(params),
      };
      const indexOnly = boolParam(params, '_index_only_', false);
      this.wss.handleUpgrade(req, socket, head, (ws) => this.watch(ws, route.queue, spec, indexOnly));
    } catch (error) {
      refuseUpgrade(socket, 400, `Bad Request: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private watch(ws: WebSocket, queue: Queue, spec: ConsumerSpec, indexOnly: boolean): void {
    this.watchers.add(ws);
    let framesSent = 0;
    // Pings are answered by ws itself. A frame sent to a socket that is closing stays pending and is redelivered.
    const consumer = queue.attach(spec, (item) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(encodeFrame(item, indexOnly), { binary: true });
      framesSent += 1;
      if (this.options.faults.shouldDropAfterFrame(framesSent)) ws.terminate();
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      this.watchers.delete(ws);
      consumer.detach();
    });
  }
}

/** Why a body is not a JSON object, or undefined when it is one. */
function notJsonObject(body: Buffer): string | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object of nodes';
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : 'not JSON';
  }
}
