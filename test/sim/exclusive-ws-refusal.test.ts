// The simulated ComfyUI's websocket upgrade: a client it refuses (wrong token) that resets its connection ends
// quietly; the simulator, a test process, does not throw ECONNRESET.
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObjectStore } from './oss/object-store';
import { startExclusiveServer, type ExclusiveServer } from './exclusive/server';

const TOKEN = 'sim-token';
let server: ExclusiveServer;

beforeEach(async () => {
  server = await startExclusiveServer({ token: TOKEN, stepMs: 0, store: new ObjectStore(), mountPrefix: 'data-xyz' });
});
afterEach(async () => {
  await server.close();
});

describe('Exclusive server: a refused websocket upgrade', () => {
  it('lives on when a refused client resets its connection (no uncaught ECONNRESET)', async () => {
    const url = new URL(server.url);
    for (let round = 0; round < 12; round += 1) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(url.port), '127.0.0.1', () => {
          socket.write(
            'GET /ws?clientId=gone HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: wrong\r\n\r\n',
          );
          setTimeout(() => socket.resetAndDestroy(), round % 3);
        });
        socket.on('error', () => undefined);
        socket.on('close', () => setTimeout(resolve, 20));
      });
    }
    const stats = await fetch(new URL('system_stats', server.url), { headers: { Authorization: TOKEN } });
    expect(stats.status).toBe(200);
  });
});
