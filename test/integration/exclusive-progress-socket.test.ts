import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { ConnectionState } from '../../main/editions/edition';
import { ProgressSocket, type WsFrame } from '../../main/editions/exclusive/progress-socket';

const servers: WebSocketServer[] = [];
const sockets: ProgressSocket[] = [];

async function server(options: { autoPong?: boolean } = {}): Promise<{ wss: WebSocketServer; url: URL }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  servers.push(wss);
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const address = wss.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { wss, url: new URL(`ws://127.0.0.1:${address.port}/ws?clientId=abc`) };
}

function socket(url: URL, extra: Partial<ConstructorParameters<typeof ProgressSocket>[0]> = {}) {
  const states: ConnectionState[] = [];
  const frames: WsFrame[] = [];
  const created = new ProgressSocket({
    url,
    headers: { Authorization: 'token-123456' },
    label: 'the test service',
    backoff: { initialMs: 20, maxMs: 100 },
    onFrame: (frame) => frames.push(frame),
    onState: (state) => states.push(state),
    ...extra,
  });
  sockets.push(created);
  created.start();
  return { created, states, frames };
}

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  for (const wss of servers.splice(0)) {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
});

describe('the ComfyUI progress socket', () => {
  it('sends the token on the upgrade and no Origin header, and passes text frames on', async () => {
    const { wss, url } = await server();
    const upgrade = new Promise<IncomingMessage>((resolve) =>
      wss.once('connection', (ws, req) => {
        ws.send(JSON.stringify({ type: 'status', data: { sid: 'abc' } }));
        ws.send(Buffer.from([0, 0, 0, 1, 0, 0, 0, 2]), { binary: true });
        resolve(req);
      }),
    );
    const { frames, states } = socket(url);
    const req = await upgrade;
    expect(req.headers.authorization).toBe('token-123456');
    expect(req.headers.origin).toBeUndefined();
    expect(req.url).toBe('/ws?clientId=abc');
    await expect.poll(() => frames).toEqual([{ type: 'status', data: { sid: 'abc' } }]);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'live']);
  });

  it('reconnects when the server stops answering pings', async () => {
    const { wss, url } = await server({ autoPong: false });
    let connections = 0;
    wss.on('connection', () => (connections += 1));
    const { states } = socket(url, { pingIntervalMs: 30, pongTimeoutMs: 30 });
    await expect.poll(() => connections).toBeGreaterThanOrEqual(2);
    expect(states).toContainEqual(
      expect.objectContaining({
        state: 'backing-off',
        reason: 'the progress connection stopped answering',
        why: { code: 'progress-stalled', params: {} },
      }),
    );
  });

  it('backs off longer after each failed attempt while the service refuses connections', async () => {
    const { wss, url } = await server();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    servers.splice(0);
    // a clock stopped at 0 makes nextAttemptAt the delay itself
    const { states } = socket(url, { backoff: { initialMs: 10, maxMs: 80, random: () => 0.999 }, now: () => 0 });
    await expect.poll(() => states.filter((s) => s.state === 'backing-off').length).toBeGreaterThanOrEqual(5);
    const delays = states.flatMap((s) => (s.state === 'backing-off' ? [s.nextAttemptAt] : []));
    expect(delays.slice(0, 5)).toEqual([10, 20, 40, 80, 80]);
  });

  it('reports stopped when closed, and never reconnects afterwards', async () => {
    const { wss, url } = await server();
    let connections = 0;
    wss.on('connection', () => (connections += 1));
    const { created, states } = socket(url);
    await expect.poll(() => states.at(-1)?.state).toBe('live');
    await created.close();
    expect(states.at(-1)).toEqual({ state: 'stopped' });
    expect(connections).toBe(1);
  });
});
