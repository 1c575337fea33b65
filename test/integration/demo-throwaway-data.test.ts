// The demo's data folder is a throw-away one unless --data-dir names it: it must not outlive the demo, however the
// demo ends. Ctrl+C is the usual way, so the test interrupts a running demo with SIGINT and looks for the folder.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLongRunning, type LongRunningChild } from './support/long-running-child';

const root = resolve(import.meta.dirname, '../..');
const running: LongRunningChild[] = [];

function startDemo(extra: string[]): LongRunningChild {
  const demo = startLongRunning(
    process.execPath,
    ['--import', 'tsx', 'test/sim/demo.ts', '--browser', '--json', ...extra],
    {
      cwd: root,
    },
  );
  running.push(demo);
  return demo;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((demo) => demo.interrupt('SIGKILL')));
});

describe('the demo data folder', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('is removed when the demo is stopped by %s', async (signal) => {
    const demo = startDemo([]);
    const { dataDir } = JSON.parse(await demo.firstLine) as { dataDir: string };
    expect(existsSync(dataDir)).toBe(true);
    expect(await demo.interrupt(signal)).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('is kept when --data-dir names it', async () => {
    const kept = mkdtempSync(join(tmpdir(), 'artlab-demo-kept-'));
    try {
      const demo = startDemo(['--data-dir', kept]);
      expect(JSON.parse(await demo.firstLine)).toMatchObject({ dataDir: kept });
      expect(await demo.interrupt('SIGINT')).toBe(0);
      expect(existsSync(kept)).toBe(true);
    } finally {
      rmSync(kept, { recursive: true, force: true });
    }
  });
});
