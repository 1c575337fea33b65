import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiagnosticsModule } from '../../../main/diagnostics/diagnostics-module';
import { nodeDiagnosticsHost, type DiagnosticsHost } from '../../../main/diagnostics/diagnostics-host';
import { registerSecret, forgetSecret } from '../../../main/log/redact';
import { diagnosticsHandlers } from '../../../main/handlers/diagnostics';

interface ZipFileSeen {
  text: string;
  /** [year, month, day, hour, minute, second] as the entry's DOS date says, in local time. */
  dateTime: number[];
}

// Python's zipfile shares no code with fflate: it reads the central directory, honours the UTF-8 name flag and checks
// every entry's CRC as it reads it. (python3 is on every machine that can build better-sqlite3.)
const PYTHON_ZIP_READER = `
import io, json, sys, zipfile
archive = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
assert archive.testzip() is None
print(json.dumps([[i.filename, archive.read(i).decode("utf-8"), list(i.date_time)] for i in archive.infolist()]))
`;
/** python3 behind a version manager's shim can take seconds to start on a busy machine. */
const PYTHON_TEST_TIMEOUT_MS = 30_000;

/** The bundle's files in the order the zip lists them, as an independent reader sees them. */
function readZipWithPython(zip: Buffer): Map<string, ZipFileSeen> {
  const out = execFileSync('python3', ['-c', PYTHON_ZIP_READER], { input: zip });
  const entries = JSON.parse(out.toString('utf8')) as [string, string, number[]][];
  return new Map(entries.map(([name, text, dateTime]) => [name, { text, dateTime }]));
}

/** The bundle's files by name, read with fflate (the tests that read with Python prove the format interoperates). */
function readZip(zip: Buffer): Map<string, string> {
  return new Map(Object.entries(unzipSync(zip)).map(([name, data]) => [name, strFromU8(data)]));
}

/** The local date and time a zip entry stores for `ms` (DOS dates count seconds in twos). */
function dosDateTime(ms: number): number[] {
  const d = new Date(ms);
  const seconds = d.getSeconds() - (d.getSeconds() % 2);
  return [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), seconds];
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

describe('the diagnostics bundle', () => {
  it(
    'opens in an independent zip reader: every CRC right, UTF-8 log names, dated when it was made',
    async () => {
      const dataDir = tempDir();
      const logsDir = join(dataDir, 'logs');
      mkdirSync(logsDir);
      const text = 'job 41 succeeded\n'.repeat(5000);
      writeFileSync(join(logsDir, 'main.log'), text);
      writeFileSync(join(logsDir, '渲染.log'), '你好\n');
      const files = readZipWithPython(await moduleWithNoServices(nodeDiagnosticsHost(dataDir, logsDir)).bundle());
      expect([...files.keys()]).toEqual([
        'README.txt',
        'versions.json',
        'services.json',
        'settings.json',
        'logs/main.log',
        'logs/渲染.log',
      ]);
      expect(files.get('logs/main.log')?.text).toBe(text);
      expect(files.get('logs/渲染.log')?.text).toBe('你好\n');
      for (const file of files.values()) expect(file.dateTime).toEqual(dosDateTime(clock.now()));
    },
    PYTHON_TEST_TIMEOUT_MS,
  );

  it(
    'still exports when the clock reads a time before zip dates begin (1980)',
    async () => {
      const module = createDiagnosticsModule({
        host: nodeDiagnosticsHost(tempDir()),
        clock: { now: () => 0 },
        app,
        services: () => Promise.resolve([]),
        settings: () => ({}),
      });
      const files = readZipWithPython(await module.bundle());
      expect(files.get('README.txt')?.dateTime).toEqual([1980, 1, 1, 0, 0, 0]);
    },
    PYTHON_TEST_TIMEOUT_MS,
  );
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
