// `npm start` on a machine that cannot download Electron: the first-use step must fail with one paragraph that says
// what failed and what to do (a mirror, or the browser demo), not a stack trace. The mirror here is a port on
// 127.0.0.1 that nobody listens on. The step runs against a copy of the electron package (its own install.js, the
// real @electron/get), so a developer's already-downloaded binary does not make the test pass vacuously.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const helper = join(root, 'assets/build/electron-binary.mjs');
const installedElectron = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const { version } = createRequire(import.meta.url)('electron/package.json') as { version: string };

let dir: string;
let electronDir: string;
let deadMirror: string;

/** A loopback port that refuses connections: listen on a free one, then close it. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-electron-'));
  electronDir = join(dir, 'electron');
  mkdirSync(electronDir);
  for (const file of ['package.json', 'install.js', 'index.js', 'checksums.json']) {
    cpSync(join(installedElectron, file), join(electronDir, file));
  }
  // install.js finds @electron/get and extract-zip beside it, as it would in node_modules.
  symlinkSync(resolve(installedElectron, '..'), join(electronDir, 'node_modules'), 'junction');
  mkdirSync(join(dir, 'cache'));
  deadMirror = `http://127.0.0.1:${await refusedPort()}/`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment of the step as `npm start` runs it, without the developer's own Electron settings. */
function stepEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(npm_config_electron_|npm_package_config_electron_|electron_)/i.test(name),
    ),
  );
  return { ...clean, electron_config_cache: join(dir, 'cache'), ...env };
}

function ensureBinary(env: Record<string, string>): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, [helper, electronDir], { env: stepEnv(env), encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

/** Where Electron's zip puts the executable on this platform (install.js writes the same into path.txt). */
function platformExecutable(): string {
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return process.platform === 'win32' ? 'electron.exe' : 'electron';
}

describe("npm start's Electron download", () => {
  it('fails with one paragraph naming the mirror, the mainland-China mirror and the browser demo', () => {
    // Set by developers who followed older advice: the step still tries, since the window needs the binary.
    const result = ensureBinary({ ELECTRON_MIRROR: deadMirror, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const paragraph = result.stderr.split('\n\n').at(-1)?.trim() ?? '';
    expect(paragraph.split('\n')).toHaveLength(1);
    expect(paragraph).toContain(`Electron ${version} could not be downloaded from ${deadMirror}`);
    expect(paragraph).toContain('ECONNREFUSED');
    expect(paragraph).toContain('ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ npm start');
    expect(paragraph).toContain('npm run demo -- --browser');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(electronDir, 'path.txt'))).toBe(false);
  });

  it('never prints the password of a mirror URL', () => {
    const withPassword = deadMirror.replace('http://', 'http://artist:hunter2-secret@');
    const result = ensureBinary({ ELECTRON_MIRROR: withPassword });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('could not be downloaded from http://***@127.0.0.1');
    expect(result.stderr).not.toContain('hunter2-secret');
  });

  it('downloads from the mirror it is given, and the binary is in place afterwards', async () => {
    // A mirror laid out like npmmirror's: <version>/<zip> and the SHASUMS256.txt that vouches for it.
    const zipName = `electron-v${version}-${process.platform}-${process.arch}.zip`;
    const zip = Buffer.from(
      zipSync({ [platformExecutable()]: Buffer.from('a stand-in for Electron'), version: Buffer.from(`v${version}`) }),
    );
    const sums = `${createHash('sha256').update(zip).digest('hex')} *${zipName}\n`;
    const files = new Map<string, Buffer>([
      [`/v${version}/${zipName}`, zip],
      [`/v${version}/SHASUMS256.txt`, Buffer.from(sums)],
    ]);
    const mirror = createHttpServer((request, response) => {
      const body = files.get(request.url ?? '');
      response.writeHead(body === undefined ? 404 : 200).end(body);
    });
    await new Promise<void>((done) => mirror.listen(0, '127.0.0.1', done));
    try {
      const { port } = mirror.address() as { port: number };
      // Asynchronously: the mirror answers from this process.
      const child = spawn(process.execPath, [helper, electronDir], {
        env: stepEnv({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_use_remote_checksums: '1' }),
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((done) => child.once('close', done));
      expect(code, stderr).toBe(0);
      expect(readFileSync(join(electronDir, 'path.txt'), 'utf8')).toBe(platformExecutable());
      expect(readFileSync(join(electronDir, 'dist', platformExecutable()), 'utf8')).toBe('a stand-in for Electron');
    } finally {
      await new Promise((done) => mirror.close(done));
      rmSync(join(electronDir, 'dist'), { recursive: true, force: true });
      rmSync(join(electronDir, 'path.txt'), { force: true });
    }
  });

  it('does nothing, and needs no network, once the binary is in place', () => {
    mkdirSync(join(electronDir, 'dist'), { recursive: true });
    writeFileSync(join(electronDir, 'dist', 'electron'), '');
    writeFileSync(join(electronDir, 'path.txt'), 'electron');
    try {
      const result = ensureBinary({ ELECTRON_MIRROR: deadMirror });
      expect(result).toMatchObject({ status: 0, stderr: '', stdout: '' });
    } finally {
      rmSync(join(electronDir, 'dist'), { recursive: true });
      rmSync(join(electronDir, 'path.txt'));
    }
  });
});
