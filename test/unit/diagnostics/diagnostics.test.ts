import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiagnosticsModule } from '../../../main/diagnostics/diagnostics-module';
import { nodeDiagnosticsHost, type DiagnosticsHost } from '../../../main/diagnostics/diagnostics-host';
import { writeZip } from '../../../main/diagnostics/zip-writer';
import { registerSecret, forgetSecret } from '../../../main/log/redact';
import { diagnosticsHandlers } from '../../../main/handlers/diagnostics';

/** An independent reader: the central directory, each local header, inflate, and the CRC of every entry. */
function readZip(zip: Buffer): Map<string, string> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(-1);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + size);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    expect(crc32(data)).toBe(crc);
    files.set(name, data.toString('utf8'));
    at += 46 + nameLength + extra;
  }
  return files;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'artlab-diag-'));
  dirs.push(dir);
  return dir;
}

const clock = { now: () => Date.UTC(2026, 10, 26, 12, 30, 45) };
const app = { name: 'ArtLab Desktop', version: '1.2.3', platform: 'linux', transport: 'browser' };

/** A diagnostics module on `host` with no services and default settings. */
function moduleWithNoServices(host: DiagnosticsHost) {
  return createDiagnosticsModule({ host, clock, app, services: () => Promise.resolve([]), settings: () => ({}) });
}

describe('the zip writer', () => {
  it('writes entries any zip reader can open: deflated text, stored bytes, UTF-8 names', () => {
    const modified = new Date(2026, 0, 2, 3, 4, 6);
    const text = 'line\n'.repeat(1000);
    const random = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 131) % 256));
    const files = readZip(
      writeZip([
        { name: 'logs/main.log', data: Buffer.from(text), modified },
        { name: 'bytes.bin', data: random, modified },
        { name: '说明.txt', data: Buffer.from('你好'), modified },
      ]),
    );
    expect([...files.keys()]).toEqual(['logs/main.log', 'bytes.bin', '说明.txt']);
    expect(files.get('logs/main.log')).toBe(text);
    expect(files.get('说明.txt')).toBe('你好');
  });
});

describe('exporting diagnostics', () => {
  it('saves one zip of redacted logs, versions, services and settings where the host says', async () => {
    const dataDir = tempDir();
    const logsDir = join(dataDir, 'logs');
    mkdirSync(logsDir);
    const token = 'tok-9f8e7d6c5b4a';
    registerSecret(token);
    writeFileSync(join(logsDir, 'main.log'), `submitted with ${token}\nAuthorization: Bearer abcdef123456\n`);
    writeFileSync(join(logsDir, 'notes.txt'), 'not a log');
    const module = createDiagnosticsModule({
      host: nodeDiagnosticsHost(dataDir, logsDir),
      clock,
      app,
      services: () => Promise.resolve([{ name: 'Studio A', url: 'https://a.example/?token=abc123456789' }]),
      settings: () => ({ theme: 'dark' }),
    });
    try {
      const { path } = await diagnosticsHandlers(module)['diagnostics.export'](undefined);
      expect(path).toBe(join(dataDir, 'diagnostics', 'artlab-diagnostics-20261126-123045.zip'));
      const files = readZip(readFileSync(path ?? ''));
      expect([...files.keys()].sort()).toEqual(
        ['README.txt', 'logs/main.log', 'services.json', 'settings.json', 'versions.json'].sort(),
      );
      const log = files.get('logs/main.log') ?? '';
      expect(log).not.toContain(token);
      expect(log).not.toContain('abcdef123456');
      expect(files.get('services.json')).not.toContain('abc123456789');
      expect(JSON.parse(files.get('versions.json') ?? '{}')).toMatchObject({
        app,
        runtime: { node: process.versions.node },
      });
    } finally {
      forgetSecret(token);
    }
  });

  it('saves nothing when the artist cancels the save dialog', async () => {
    const dataDir = tempDir();
    const host: DiagnosticsHost = { ...nodeDiagnosticsHost(dataDir), chooseSavePath: () => Promise.resolve(null) };
    const module = moduleWithNoServices(host);
    expect(await diagnosticsHandlers(module)['diagnostics.export'](undefined)).toEqual({ path: null });
  });

  it('still exports when the services cannot be listed, saying why in services.json', async () => {
    const module = createDiagnosticsModule({
      host: nodeDiagnosticsHost(tempDir()),
      clock,
      app,
      services: () => Promise.reject(new Error('store damaged')),
      settings: () => ({}),
    });
    const files = readZip(await module.bundle());
    expect(JSON.parse(files.get('services.json') ?? '{}')).toEqual({ unavailable: 'store damaged' });
    expect([...files.keys()].some((name) => name.startsWith('logs/'))).toBe(false);
  });

  it('tells the artist when the chosen folder cannot be written', async () => {
    const dataDir = tempDir();
    const host: DiagnosticsHost = {
      ...nodeDiagnosticsHost(dataDir),
      chooseSavePath: () => Promise.resolve(join(dataDir, 'missing-folder', 'x.zip')),
    };
    const module = moduleWithNoServices(host);
    await expect(diagnosticsHandlers(module)['diagnostics.export'](undefined)).rejects.toMatchObject({
      kind: 'storage',
      message: 'Could not save the diagnostics file (ENOENT). Choose another folder and try again.',
    });
  });

  it('creates the logs folder and reports that Node cannot open a file manager', async () => {
    const dataDir = tempDir();
    const module = moduleWithNoServices(nodeDiagnosticsHost(dataDir));
    expect(await diagnosticsHandlers(module)['diagnostics.openLogs'](undefined)).toEqual({
      path: join(dataDir, 'logs'),
      opened: false,
    });
  });
});
