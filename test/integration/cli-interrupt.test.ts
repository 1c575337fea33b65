// Ctrl+C on `artlab run`, sent as SIGINT to a child CLI: it says what is still on the service and cancels it
// (the API-edition input queue is emptied of the batch), or with --data-dir keeps it and says how to resume; a second
// Ctrl+C leaves at once; and the throw-away data folder (secret.key, the sealed token) is gone on every way out.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index';
import { simOssFlags } from './support/cli-process';

const cli = fileURLToPath(new URL('../../main/cli/index.ts', import.meta.url));

let sim: Simulator;
let dir: string;
let childTmp: string;
beforeAll(async () => {
  // Slow steps and one worker: most of the batch is still waiting in the input queue when Ctrl+C comes.
  sim = await startSimulator({ stepMs: 400, workers: 1, redeliveryGraceMs: 100 });
  dir = mkdtempSync(join(tmpdir(), 'artlab-cli-interrupt-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  // Every run's temp folder goes into its own TMPDIR, so "removed" is checked on an empty folder.
  expect(dataFolders(childTmp)).toEqual([]);
});

interface Child {
  signal(name: NodeJS.Signals): void;
  /** Resolves once stderr contains `text`. */
  stderrShows(text: string): Promise<void>;
  exit: Promise<{ code: number | null; stderr: string; stdout: string }>;
}

function start(args: string[]): Child {
  childTmp = join(dir, `tmp-${Date.now()}-${Math.random().toString(16).slice(2)}`);
  mkdirSync(childTmp);
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: {
      ...process.env,
      SIM_TOKEN: sim.info.queue.token,
      SIM_OSS_ID: sim.info.oss.accessKeyId,
      SIM_OSS_SECRET: sim.info.oss.accessKeySecret,
      TMPDIR: childTmp,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of waiters.filter((w) => stderr.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  return {
    signal: (name) => child.kill(name),
    stderrShows: (text) =>
      stderr.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve })),
    exit: new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr, stdout }))),
  };
}

/** Resolves once the simulated input queue holds `count` items (the batch was sent). */
async function queued(count: number): Promise<void> {
  while (sim.queue.input.length < count) await new Promise((resolve) => setTimeout(resolve, 50));
}

const queueArgs = (count: number): string[] => [
  'run',
  'starter',
  '--url',
  sim.info.queue.url,
  '--token-env',
  'SIM_TOKEN',
  '--count',
  String(count),
  '--out',
  join(dir, 'out'),
  // The API edition's images are on OSS: without it the run is refused before anything is sent.
  ...simOssFlags(sim),
];

describe('Ctrl+C on artlab run', () => {
  it('says what is on the service and cancels it: the input queue no longer holds the batch', async () => {
    const before = sim.queue.input.length;
    const child = start(queueArgs(8));
    await queued(before + 6);
    child.signal('SIGINT');
    const { code, stderr } = await child.exit;
    expect(stderr).toMatch(/Interrupted: \d+ job\(s\) are with artlab_sim/);
    expect(stderr).toContain('Cancelled');
    expect(code).toBe(130);
    // At most the item a worker already holds can remain; the waiting ones were removed from the queue.
    expect(sim.queue.input.length - before).toBeLessThanOrEqual(1);
  }, 90_000);

  it('with --data-dir keeps the batch on the service and says how to resume', async () => {
    const before = sim.queue.input.length;
    const child = start([...queueArgs(4), '--data-dir', join(dir, 'kept')]);
    await queued(before + 3);
    child.signal('SIGINT');
    const { code, stderr } = await child.exit;
    expect(stderr).toContain('Run the same command again (same --data-dir) to resume');
    expect(code).toBe(130);
  }, 90_000);

  it('leaves at once on a second Ctrl+C, and removes its data folder on SIGTERM too', async () => {
    const first = start(queueArgs(4));
    await first.stderrShows('0/4 jobs');
    first.signal('SIGINT');
    await first.stderrShows('Interrupted');
    first.signal('SIGINT');
    expect((await first.exit).code).toBe(130);
    expect(dataFolders(childTmp)).toEqual([]);

    const second = start(queueArgs(4));
    await second.stderrShows('0/4 jobs');
    second.signal('SIGTERM');
    expect((await second.exit).code).toBe(130);
  }, 90_000);
});

/** The CLI's throw-away data folders in a temp folder (tsx keeps its own cache there too). */
function dataFolders(folder: string): string[] {
  return readdirSync(folder).filter((name) => name.startsWith('artlab-cli-'));
}
