import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serveStudioInBrowser, type ServedStudio } from '../../main/browser/serve-studio';

let dir: string;
let served: ServedStudio;
let base: URL;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-bridge-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<h1>app</h1>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'outside.txt'), 'not for you');
  served = await serveStudioInBrowser({ dataDir: join(dir, 'data'), rendererDir });
  base = new URL(served.bridge.url);
});
afterAll(async () => {
  await served.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: base.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${String(res.statusCode)}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, method: string, input?: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as { type: string; id?: number; envelope?: unknown };
      if (message.type === 'reply' && message.id === id) {
        ws.off('message', onMessage);
        resolve(message.envelope);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'call', id, method, input }));
  });
}

const socketUrl = () => `ws://127.0.0.1:${base.port}${base.pathname}ws`;

describe('the browser bridge', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(base.hostname).toBe('127.0.0.1');
  });

  it('serves the renderer under the per-run secret', async () => {
    expect(await get(base.pathname)).toMatchObject({
      status: 200,
      body: '<h1>app</h1>',
      type: 'text/html; charset=utf-8',
    });
    expect(await get(`${base.pathname}assets/app.js`)).toMatchObject({
      status: 200,
      type: 'text/javascript; charset=utf-8',
    });
  });

  it('refuses requests without the secret, or with a wrong one', async () => {
    expect((await get('/index.html')).status).toBe(404);
    expect((await get('/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/index.html')).status).toBe(404);
  });

  it('refuses a foreign Host or Origin (DNS rebinding)', async () => {
    expect((await get(base.pathname, { Host: `evil.example:${base.port}` })).status).toBe(403);
    expect((await get(base.pathname, { Origin: 'http://evil.example' })).status).toBe(403);
    await expect(open(socketUrl(), { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(open(`ws://127.0.0.1:${base.port}/wrong-secret/ws`)).rejects.toThrow('HTTP 403');
  });

  it('never serves files outside the renderer folder', async () => {
    expect((await get(`${base.pathname}..%2Foutside.txt`)).status).toBe(404);
    expect((await get(`${base.pathname}%2e%2e/%2e%2e/outside.txt`)).status).toBe(404);
  });

  it('answers contract calls over the socket and forwards events', async () => {
    const ws = await open(socketUrl(), { Origin: `http://127.0.0.1:${base.port}` });
    expect(await call(ws, 1, 'app.info')).toMatchObject({ ok: true, value: { transport: 'browser' } });
    const event = new Promise((resolve) => ws.once('message', (raw: Buffer) => resolve(JSON.parse(raw.toString()))));
    await call(ws, 2, 'settings.update', { language: 'zh-CN' });
    expect(await event).toEqual({
      type: 'event',
      event: 'settings.changed',
      payload: { theme: 'system', language: 'zh-CN' },
    });
    expect(await call(ws, 3, 'settings.update', { language: 'klingon' })).toMatchObject({
      ok: false,
      error: { kind: 'bad_request' },
    });
    ws.close();
  });

  it('closes a socket that sends garbage', async () => {
    const ws = await open(socketUrl());
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('not json');
    expect(await closed).toBe(1003);
  });
});
