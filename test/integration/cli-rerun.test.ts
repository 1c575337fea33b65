// `artlab run --data-dir` run again: a finished batch whose images could not be fetched is completed (what is missing
// is fetched, nothing is rendered again); the same command leaves the saved service alone (an update restarts its
// lane); and a command with other flags does not silently finish the earlier batch — it is paused, and said so.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index';
import { runCli, simOssFlags, type CliRun } from './support/cli-process';

const cli = fileURLToPath(new URL('../../main/cli/index.ts', import.meta.url));

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ redeliveryGraceMs: 100 });
  dir = mkdtempSync(join(tmpdir(), 'artlab-cli-rerun-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

function lines(run: CliRun): Record<string, unknown>[] {
  return run.stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function queueArgs(data: string, out: string, count: number): string[] {
  return [
    'run',
    'starter',
    '--url',
    sim.info.queue.url,
    '--token-env',
    'SIM_TOKEN',
    '--count',
    String(count),
    ...simOssFlags(sim),
    '--json',
    '--out',
    out,
    '--data-dir',
    data,
  ];
}

const env = (secret: string): Record<string, string> => ({
  SIM_TOKEN: sim.info.queue.token,
  SIM_OSS_ID: sim.info.oss.accessKeyId,
  SIM_OSS_SECRET: secret,
});

/** The saved services of a data folder, as the settings file holds them. */
function savedServices(data: string): { id: string; updatedAt: number }[] {
  const settings = JSON.parse(readFileSync(join(data, 'config.json'), 'utf8')) as {
    services?: { services?: { id: string; updatedAt: number }[] };
  };
  return settings.services?.services ?? [];
}

describe('artlab run again with the same --data-dir', () => {
  it('reports images it could not fetch, then a rerun fetches them without rendering again', async () => {
    const data = join(dir, 'missing-data');
    const out = join(dir, 'missing-out');
    const sent = sim.queue.input.lastIndex;
    const first = await runCli(queueArgs(data, out, 3), env('not-the-secret'));
    expect(first.code).toBe(1);
    const jobs = lines(first).filter((line) => line.type === 'job');
    expect(jobs).toHaveLength(3);
    for (const job of jobs) {
      expect(job).toMatchObject({ state: 'succeeded', files: [], missing: [expect.any(Object) as unknown] });
      expect(String(job.error)).toMatch(/could not be fetched/);
    }
    expect(lines(first).at(-1)).toMatchObject({ type: 'summary', total: 3, succeeded: 0, missingImages: 3 });
    expect(sim.queue.input.lastIndex - sent).toBe(3);

    const second = await runCli(queueArgs(data, out, 3), env(sim.info.oss.accessKeySecret));
    expect(second.stderr).toContain('fetching its 3 missing image(s) again');
    expect(second.code).toBe(0);
    expect(lines(second).at(-1)).toMatchObject({ type: 'summary', total: 3, succeeded: 3, missingImages: 0 });
    expect(readdirSync(out).filter((name) => name.endsWith('.png'))).toHaveLength(3);
    // Nothing was sent to the service again.
    expect(sim.queue.input.lastIndex - sent).toBe(3);
  }, 120_000);

  it('says which jobs may have been rendered twice, on stderr and as a JSON event', async () => {
    const data = join(dir, 'duplicate-data');
    const out = join(dir, 'duplicate-out');
    // A first run whose image cannot be fetched leaves the batch in the data folder for the rerun to follow.
    expect((await runCli(queueArgs(data, out, 1), env('not-the-secret'))).code).toBe(1);
    // As a run that died between a put and its reply leaves a job whose re-send the service could not rule out.
    const db = new Database(join(data, 'jobs.sqlite'));
    const job = db.prepare('SELECT id FROM jobs').get() as { id: string };
    db.prepare('UPDATE jobs SET duplicate_possible = 1 WHERE id = ?').run(job.id);
    db.close();

    const again = await runCli(queueArgs(data, out, 1), env(sim.info.oss.accessKeySecret));
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`Job ${job.id} may be rendered twice`);
    const warned = lines(again).filter((line) => line.type === 'duplicate-possible');
    expect(warned).toEqual([{ type: 'duplicate-possible', job: job.id }]);
  }, 120_000);

  it('leaves the saved service untouched when nothing about it changed', async () => {
    const data = join(dir, 'same-data');
    const args = queueArgs(data, join(dir, 'same-out'), 1);
    expect((await runCli(args, env(sim.info.oss.accessKeySecret))).code).toBe(0);
    const [saved] = savedServices(data);
    expect(saved).toBeDefined();
    const again = await runCli(args, env(sim.info.oss.accessKeySecret));
    expect(again.code).toBe(0);
    expect(savedServices(data)).toEqual([saved]);
  }, 120_000);

  it('pauses an unfinished batch of other flags and says so, and the first command then finishes it', async () => {
    // Jobs of a fraction of a second, sent one at a time: most of the first batch is still unsent when it is killed.
    const slow = await startSimulator({ stepMs: 20, redeliveryGraceMs: 100 });
    try {
      const data = join(dir, 'other-data');
      const out = join(dir, 'other-out');
      const args = (count: number) =>
        ['run', 'starter', '--url', slow.info.queue.url, '--token-env', 'SIM_TOKEN', '--count', String(count)].concat([
          '--concurrency',
          '1',
          '--json',
          '--out',
          out,
          '--data-dir',
          data,
          ...simOssFlags(slow),
        ]);
      const slowEnv = {
        SIM_TOKEN: slow.info.queue.token,
        SIM_OSS_ID: slow.info.oss.accessKeyId,
        SIM_OSS_SECRET: slow.info.oss.accessKeySecret,
      };
      await killWhenStderrShows(args(12), slowEnv, '0/12 jobs');
      const other = await runCli(args(2), slowEnv);
      expect(other.stderr).toContain('started with other settings, left a batch unfinished');
      expect(other.stderr).toContain('It stays paused');
      expect(other.code).toBe(0);
      expect(lines(other).at(-1)).toMatchObject({ type: 'summary', total: 2, succeeded: 2 });

      const resumed = await runCli(args(12), slowEnv);
      expect(resumed.stderr).toContain('Resuming the unfinished batch');
      expect(resumed.code).toBe(0);
      expect(lines(resumed).at(-1)).toMatchObject({ type: 'summary', total: 12, succeeded: 12 });
    } finally {
      await slow.close();
    }
  }, 120_000);
});

/** Runs the CLI and SIGKILLs it once its stderr shows `text`. */
async function killWhenStderrShows(args: string[], extraEnv: Record<string, string>, text: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const closed = new Promise((resolve) => child.once('close', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.includes(text)) child.kill('SIGKILL');
  });
  await closed;
}
