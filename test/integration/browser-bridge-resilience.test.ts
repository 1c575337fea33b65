import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_MESSAGE_BYTES } from '../../main/browser/bridge-server';
import { serveStudioInBrowser, type ServedStudio } from '../../main/browser/serve-studio';
import { serializeWorkflow } from '../../main/comfy/workflow-parse';
import { starterWorkflow } from '../../main/comfy/starter';
import { forgetSecret, registerSecret } from '../../main/log/redact';

let dir: string;
let served: ServedStudio;
let socketUrl: string;
const logLines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-bridge-resilience-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<h1>app</h1>');
  served = await serveStudioInBrowser({
    dataDir: join(dir, 'data'),
    rendererDir,
    writeLog: (line) => logLines.push(line),
  });
  const base = new URL(served.bridge.url);
  socketUrl = `ws://127.0.0.1:${base.port}${base.pathname}ws`;
});
afterAll(async () => {
  await served.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(socketUrl, { maxPayload: 0 });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Resolves with the close code the server chose; a write error on the way (the server hung up mid-send) is fine. */
function closeCode(ws: WebSocket): Promise<number> {
  ws.on('error', () => undefined);
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

/** The envelope of one call; rejects if the socket closes first. */
function call(ws: WebSocket, id: number, method: string, input?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onClose = (code: number) => reject(new Error(`the socket closed (${code}) before reply ${id}`));
    const onMessage = (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as { type: string; id?: number; envelope?: unknown };
      if (message.type === 'reply' && message.id === id) {
        ws.off('message', onMessage);
        ws.off('close', onClose);
        resolve(message.envelope);
      }
    };
    ws.on('message', onMessage);
    ws.once('close', onClose);
    ws.send(JSON.stringify({ type: 'call', id, method, input }));
  });
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeBytes = Buffer.from(type, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(typeBytes)));
  return Buffer.concat([length, typeBytes, data, crc]);
}

/** A PNG as ComfyUI saves one (IHDR, the `prompt` tEXt chunk, IEND), grown to `size` bytes by a private chunk. */
function comfyPng(size: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const head = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from(`prompt\0${serializeWorkflow(starterWorkflow())}`, 'latin1')),
  ]);
  const end = chunk('IEND', Buffer.alloc(0));
  const padding = chunk('prVt', Buffer.alloc(size - head.length - end.length - 12, 0x5a));
  return Buffer.concat([head, padding, end]);
}

describe('the browser bridge under hostile or huge frames', () => {
  it('closes only the socket that sent invalid UTF-8, and keeps answering others', async () => {
    const bystander = await open();
    const hostile = await open();
    const closed = closeCode(hostile);
    hostile.send(Buffer.from([0xc3, 0x28]), { binary: false });
    expect(await closed).toBe(1007);
    expect(await call(bystander, 1, 'app.info')).toMatchObject({ ok: true, value: { transport: 'browser' } });
    const fresh = await open();
    expect(await call(fresh, 2, 'app.info')).toMatchObject({ ok: true });
    bystander.close();
    fresh.close();
  });

  it('closes only the socket that sent a message over the limit, and keeps answering others', async () => {
    const bystander = await open();
    const hostile = await open();
    const closed = closeCode(hostile);
    hostile.send(Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20), { binary: false });
    expect(await closed).toBe(1009);
    expect(await call(bystander, 1, 'app.info')).toMatchObject({ ok: true, value: { transport: 'browser' } });
    bystander.close();
  });

  it('imports a 40 MB ComfyUI PNG sent through the bridge', async () => {
    const ws = await open();
    const png = comfyPng(40 * 1024 * 1024);
    const reply = await call(ws, 1, 'workflows.import', { name: 'big render', pngBase64: png.toString('base64') });
    expect(reply).toMatchObject({ ok: true, value: { name: 'big render' } });
    ws.close();
  }, 120_000);

  it('logs a failed call and a refused frame with every secret redacted', async () => {
    const token = 'tok-5b0c1d9e8f7a';
    registerSecret(token);
    const original = served.studio.handlers['app.info'];
    // A bug we cannot trigger on purpose: a handler that fails unexpectedly with a token in its message.
    served.studio.handlers['app.info'] = () =>
      Promise.reject(new Error(`request to https://svc/?x=1 failed, echo ${Buffer.from(token).toString('base64')}`));
    try {
      logLines.length = 0;
      const ws = await open();
      expect(await call(ws, 1, 'app.info')).toMatchObject({ ok: false, error: { kind: 'internal' } });
      const hostile = await open();
      const closed = closeCode(hostile);
      hostile.send(Buffer.from([0xff, 0xfe]), { binary: false });
      await closed;
      ws.close();
      expect(logLines.some((line) => line.startsWith('[bridge] app.info failed: Error: request to https://svc/'))).toBe(
        true,
      );
      expect(logLines.some((line) => line.includes('invalid UTF-8'))).toBe(true);
      for (const line of logLines) {
        expect(line).not.toContain(token);
        expect(line).not.toContain(Buffer.from(token).toString('base64'));
      }
    } finally {
      served.studio.handlers['app.info'] = original;
      forgetSecret(token);
    }
  });
});
