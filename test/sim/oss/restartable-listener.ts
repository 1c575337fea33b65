// Listening on 127.0.0.1 with a simulated restart: every socket (keep-alive and upgraded websocket ones) destroyed,
// connections refused while "down", then listening again on the same port. Shared by the OSS and Exclusive servers.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export class RestartableListener {
  private readonly sockets = new Set<Socket>();
  private downTimer: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;
  private closed = false;
  private restarting: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts `server` on 127.0.0.1, on a free port unless one is given. */
  static async start(server: Server, port = 0): Promise<RestartableListener> {
    await listen(server, port);
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
    return new RestartableListener(server, address.port);
  }

  /** Destroys every open socket now (a crash, as the client sees it). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Down for `downMs`: sockets dropped, connections refused; then up again on the same port. */
  simulateRestart(downMs: number): Promise<void> {
    // overlapping restarts (a timer firing during a test's own restart) share one down period
    this.restarting ??= this.restart(downMs).finally(() => {
      this.restarting = undefined;
    });
    return this.restarting;
  }

  private async restart(downMs: number): Promise<void> {
    if (this.closed) return;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.dropConnections();
    await stopped;
    await new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      this.downTimer = setTimeout(resolve, downMs);
    });
    this.downTimer = undefined;
    this.wakeUp = undefined;
    if (!this.closed) await listen(this.server, this.port);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.downTimer) clearTimeout(this.downTimer);
    this.wakeUp?.();
    const stopped = this.server.listening
      ? new Promise<void>((resolve) => this.server.close(() => resolve()))
      : Promise.resolve();
    this.dropConnections();
    await stopped;
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}
