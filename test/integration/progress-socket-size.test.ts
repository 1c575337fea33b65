// The ComfyUI progress socket reads frames up to a cap (DESIGN.md rule 8): a larger one ends that connection with a
// reason that says so, the socket reconnects, and later frames still arrive.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { ConnectionState } from '../../main/editions/edition';
import { ProgressSocket, type WsFrame } from '../../main/editions/exclusive/progress-socket';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the progress socket and a frame over its size cap', () => {
  it('drops the connection on an oversized frame, says why, and reconnects', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const client of wss.clients) client.terminate();
          wss.close(() => resolve());
        }),
    );
    let connections = 0;
    wss.on('connection', (ws) => {
      connections += 1;
      // The first connection gets a 1 MiB preview, later ones a status frame
      if (connections === 1) ws.send(Buffer.alloc(1024 * 1024), { binary: true });
      else ws.send(JSON.stringify({ type: 'status', data: { sid: 'abc' } }));
    });
    const address = wss.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const states: ConnectionState[] = [];
    const frames: WsFrame[] = [];
    let statusArrived = (): void => undefined;
    const arrived = new Promise<void>((resolve) => (statusArrived = resolve));
    const socket = new ProgressSocket({
      url: new URL(`ws://127.0.0.1:${address.port}/ws?clientId=abc`),
      headers: {},
      label: 'the test service',
      backoff: { initialMs: 20, maxMs: 100 },
      maxFrameBytes: 64 * 1024,
      onFrame: (frame) => {
        frames.push(frame);
        statusArrived();
      },
      onState: (state) => states.push(state),
    });
    cleanups.push(() => socket.close());
    socket.start();
    await arrived;
    expect(frames.map((frame) => frame.type)).toEqual(['status']);
    const backingOff = states.find((state) => state.state === 'backing-off');
    expect(backingOff).toMatchObject({
      reason: 'the service sent a progress frame larger than 64 KiB',
      why: { code: 'frame-oversized', params: { limit: '64 KiB' } },
    });
  });
});
