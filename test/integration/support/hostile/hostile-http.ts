// A loopback HTTP server that misbehaves on purpose: replies larger than any client should read, bodies that trickle
// a byte a second, transfers that break off half-way. Each test gives it the handler it needs.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type HostileHandler = (req: IncomingMessage, res: ServerResponse, server: HostileServer) => void;

export class HostileServer {
  /** Bytes of body written, over all replies: shows a client stopped reading. */
  sent = 0;
  readonly requests: IncomingMessage[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(handler: HostileHandler): Promise<HostileServer> {
    const server = createServer();
    const hostile = new HostileServer(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      hostile.requests.push(req);
      handler(req, res, hostile);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return hostile;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Writes `chunk` every `everyMs` until `totalBytes` went out or the client left. */
  stream(res: ServerResponse, chunk: Buffer, everyMs: number, totalBytes = Infinity): void {
    const tick = (): void => {
      if (res.destroyed || this.sent >= totalBytes) {
        if (!res.destroyed) res.end();
        return;
      }
      this.sent += chunk.length;
      const more = res.write(chunk);
      if (everyMs > 0) this.later(tick, everyMs);
      else if (more) setImmediate(tick);
      else res.once('drain', tick);
    };
    tick();
  }

  later(callback: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, ms);
    this.timers.add(timer);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
