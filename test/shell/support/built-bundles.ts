// The bundles that ship, built by `electron-vite build` when out/ is missing or older than the sources, so the shell
// tests never run yesterday's build. Test files may run in parallel: one builds, the others wait for its lock.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export const bundles = {
  main: join(repoRoot, 'out/main/index.js'),
  preload: join(repoRoot, 'out/preload/index.cjs'),
  rendererIndex: join(repoRoot, 'out/renderer/index.html'),
};

const sources = ['main', 'preload', 'renderer', 'electron.vite.config.mts', 'package.json'];
const lock = join(tmpdir(), `artlab-shell-build-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 16)}`);
/** A build takes seconds; a lock this old was left by a killed run. */
const STALE_LOCK_MS = 120_000;

export async function ensureBuiltBundles(): Promise<void> {
  while (!isFresh()) {
    if (takeLock()) {
      try {
        if (!isFresh()) await build();
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      return;
    }
    await delay(200);
  }
}

function takeLock(): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) {
      rmSync(lock, { recursive: true, force: true });
    }
    return false;
  }
}

async function build(): Promise<void> {
  const child = spawn(process.execPath, [join(repoRoot, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`electron-vite build failed (${String(code)}):\n${stderr}`);
}

function isFresh(): boolean {
  const built = Object.values(bundles);
  if (!built.every((file) => existsSync(file))) return false;
  const oldestBuild = Math.min(...built.map((file) => statSync(file).mtimeMs));
  return newestSource() < oldestBuild;
}

function newestSource(): number {
  let newest = 0;
  for (const source of sources) {
    const path = join(repoRoot, source);
    const stat = statSync(path);
    newest = Math.max(newest, stat.mtimeMs);
    if (!stat.isDirectory()) continue;
    for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}
