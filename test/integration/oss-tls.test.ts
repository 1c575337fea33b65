// Every OSS client is built by main/oss/oss-target.ts and speaks TLS unless the user typed an http:// endpoint:
// ali-oss alone would talk plain HTTP to a region's endpoint. A raw TCP server tells which it received: a TLS
// handshake starts with the byte 0x16, a plain request with its method.
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildServiceTarget } from '../../main/editions/service-editions';
import { openOssSource, type OssTarget } from '../../main/oss/oss-target';

let server: Server;
let firstBytes: Promise<Buffer>;
let port: number;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-oss-tls-'));
  let received: (bytes: Buffer) => void = () => undefined;
  firstBytes = new Promise((resolve) => (received = resolve));
  server = createServer((socket) => {
    socket.once('data', (bytes) => {
      received(bytes);
      socket.destroy();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const target = (endpoint: string): OssTarget => ({
  bucket: 'outputs',
  prefix: 'comfyui/',
  endpoint,
  accessKeyId: 'LTAI-test-id',
  accessKeySecret: 'test-secret-value',
});

describe('OSS clients', () => {
  it('speak TLS to an endpoint given without a scheme', async () => {
    const source = openOssSource(target(`127.0.0.1:${port}`));
    await expect(source?.listPage({ maxKeys: 1 })).rejects.toThrow();
    expect((await firstBytes)[0]).toBe(0x16);
    await source?.close();
  });

  it('speak plain HTTP only to an endpoint typed as http://', async () => {
    const source = openOssSource(target(`http://127.0.0.1:${port}`));
    await expect(source?.listPage({ maxKeys: 1 })).rejects.toThrow();
    expect((await firstBytes).toString('latin1')).toMatch(/^GET /);
    await source?.close();
  });

  it('fetch API-edition images over TLS', async () => {
    const { edition, close } = buildServiceTarget({
      edition: 'queue',
      name: 'api',
      url: 'http://127.0.0.1:9/api/predict/svc',
      oss: target(`127.0.0.1:${port}`),
    });
    const file = { node: '9', kind: 'images', filename: 'a.png', subfolder: '', type: 'output' };
    await expect(edition.download(file, join(dir, 'a.png'))).rejects.toThrow();
    expect((await firstBytes)[0]).toBe(0x16);
    await edition.close();
    await close?.();
  });
});
