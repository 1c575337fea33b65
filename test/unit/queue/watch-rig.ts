// Test rig for the sink watcher: real loopback servers that misbehave on purpose (a scripted sink that sends the
// bytes a test chooses, a server that accepts the upgrade and then stays silent), and a clock that counts its timers.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { create, toBinary } from '@bufbuild/protobuf';
import { WebSocket, WebSocketServer } from 'ws';
import { HttpClient } from '../../../main/editions/http';
import { QueueClient } from '../../../main/editions/queue/queue-client';
import { DataFrameProtoSchema } from '../../../main/editions/queue/proto/queue_pb';
import type { TimerClock } from '../../../main/editions/queue/watch-support';

/** Real timers, counted: a test can see that nothing is left armed. */
export class CountingClock implements TimerClock {
  readonly active = new Set<NodeJS.Timeout>();
  now(): number {
    return Date.now();
  }
  setTimer(callback: () => void, ms: number): () => void {
    const timer = setTimeout(() => {
      this.active.delete(timer);
      callback();
    }, ms);
    this.active.add(timer);
    return () => {
      clearTimeout(timer);
      this.active.delete(timer);
    };
  }
}

export function frameBytes(index: number, tags: Record<string, string> = {}, data = '[]', message = ''): Uint8Array {
  return toBinary(
    DataFrameProtoSchema,
    create(DataFrameProtoSchema, { index: BigInt(index), tags, data: Buffer.from(data), message }),
  );
}

export function sinkClient(baseUrl: string, token: string, uid = 'app-uid'): { http: HttpClient; sink: QueueClient } {
  const http = new HttpClient({ baseUrl, token, label: 'the test service' });
  return { http, sink: new QueueClient({ http, queue: 'svc/sink', uid }) };
}

/**
 * A sink that sends what the test says: `send(bytes)` to the watching socket, commits recorded in order. Upgrades can
 * be refused with a status.
 */
export class ScriptedSink {
  readonly commits: number[][] = [];
  upgrades = 0;
  refuseWith: number | undefined;
  /** The next this-many commits are answered with this status instead of 200. */
  failCommits = { count: 0, status: 503 };
  private socket: WebSocket | undefined;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly commitWaiters: (() => void)[] = [];
  private readonly connectWaiters: ((ws: WebSocket) => void)[] = [];

  private constructor(readonly server: Server) {}

  static async start(): Promise<ScriptedSink> {
    const server = createServer();
    const sink = new ScriptedSink(server);
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const indexes = url.searchParams.get('_indexes_');
      if (req.method === 'PUT' && indexes && sink.failCommits.count > 0) {
        sink.failCommits.count -= 1;
        res.statusCode = sink.failCommits.status;
        res.end('Service Unavailable');
        return;
      }
      if (req.method === 'PUT' && indexes) {
        sink.commits.push(indexes.split(',').map(Number));
        for (const wake of sink.commitWaiters.splice(0)) wake();
      }
      res.end('OK');
    });
    server.on('upgrade', (req, socket, head) => {
      sink.upgrades += 1;
      if (sink.refuseWith !== undefined) {
        socket.end(`HTTP/1.1 ${sink.refuseWith} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
        return;
      }
      sink.wss.handleUpgrade(req, socket, head, (ws) => {
        sink.socket = ws;
        for (const wake of sink.connectWaiters.splice(0)) wake(ws);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return sink;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/predict/`;
  }

  /** The socket of the next (or current) watch. */
  connected(): Promise<WebSocket> {
    const current = this.socket;
    if (current && current.readyState === WebSocket.OPEN) return Promise.resolve(current);
    return new Promise((resolve) => this.connectWaiters.push(resolve));
  }

  async send(bytes: Uint8Array): Promise<void> {
    const ws = await this.connected();
    ws.send(bytes, { binary: true });
  }

  /** Resolves once `count` commit requests have arrived in total. */
  async commitRequests(count: number): Promise<number[][]> {
    while (this.commits.length < count) await new Promise<void>((resolve) => this.commitWaiters.push(resolve));
    return this.commits;
  }

  /** Resolves once every index in `indexes` has been committed at least once. */
  async committed(indexes: number[]): Promise<void> {
    const all = (): Set<number> => new Set(this.commits.flat());
    while (!indexes.every((index) => all().has(index))) {
      await new Promise<void>((resolve) => this.commitWaiters.push(resolve));
    }
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Accepts the websocket upgrade, then says nothing ever again — not even a pong: a socket that died silently. */
export class SilentServer {
  private readonly sockets = new Set<Socket>();
  upgrades = 0;
  private constructor(readonly server: TcpServer) {}

  static async start(): Promise<SilentServer> {
    const server = createTcpServer();
    const silent = new SilentServer(server);
    server.on('connection', (socket) => {
      silent.sockets.add(socket);
      socket.on('close', () => silent.sockets.delete(socket));
      socket.on('error', () => undefined);
      let request = '';
      const onData = (chunk: Buffer): void => {
        request += chunk.toString('latin1');
        if (!request.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        const key = /sec-websocket-key:\s*(\S+)/i.exec(request)?.[1] ?? '';
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        silent.upgrades += 1;
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
        );
        socket.pause(); // reads nothing more, so pings go unanswered
      };
      socket.on('data', onData);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return silent;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/predict/`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
