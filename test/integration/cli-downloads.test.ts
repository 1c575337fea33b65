// `artlab run` takes its images from the gallery's intake (retried, verified, cached) and copies them into --out:
// under OSS and gateway faults every image still arrives and no partial file is left in --out; and a name already
// taken in --out (another run, another service, `a/b.png` against `a_b.png`) is never overwritten.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index';
import { runCli, simOssFlags, type CliRun } from './support/cli-process';
import { PNG_SIGNATURE } from './support/exclusive-rig';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-cli-downloads-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function simEnv(sim: Simulator, edition: 'exclusive' | 'queue'): Record<string, string> {
  return {
    SIM_TOKEN: edition === 'exclusive' ? sim.info.exclusive.token : sim.info.queue.token,
    SIM_OSS_ID: sim.info.oss.accessKeyId,
    SIM_OSS_SECRET: sim.info.oss.accessKeySecret,
  };
}

function jsonLines(run: CliRun): Record<string, unknown>[] {
  return run.stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function writtenFiles(run: CliRun): string[] {
  return jsonLines(run).flatMap((line) => (Array.isArray(line.files) ? (line.files as string[]) : []));
}

describe('artlab run downloads', () => {
  it('brings every image into --out under 5 % OSS and gateway faults, and leaves no partial file there', async () => {
    const sim = await startSimulator({ failRate: 0.05, seed: 7, redeliveryGraceMs: 100 });
    try {
      const out = join(dir, 'faults');
      const jobs = 40;
      const run = await runCli(
        ['run', 'starter', '--url', sim.info.queue.url, '--token-env', 'SIM_TOKEN', '--count', String(jobs)].concat([
          '--json',
          '--out',
          out,
          ...simOssFlags(sim),
        ]),
        simEnv(sim, 'queue'),
      );
      expect(run.stderr).toContain(`${jobs}/${jobs} jobs`);
      expect(jsonLines(run).at(-1)).toMatchObject({ type: 'summary', total: jobs, succeeded: jobs, missingImages: 0 });
      expect(run.code).toBe(0);
      const names = readdirSync(out);
      expect(names.filter((name) => name.endsWith('.png'))).toHaveLength(jobs);
      expect(names.filter((name) => !name.endsWith('.png'))).toEqual([]);
      for (const name of names) expect(readFileSync(join(out, name)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    } finally {
      await sim.close();
    }
  }, 120_000);

  it('does not count a file that is not an image: the job names the reason and nothing lands in --out', async () => {
    const sim = await startSimulator();
    // The service writes 3 MB of text where its PNG should be.
    const put = sim.oss.put.bind(sim.oss);
    sim.oss.put = (key, bytes, contentType) =>
      put(key, key.endsWith('.png') ? Buffer.alloc(3_000_000, 0x41) : bytes, contentType);
    try {
      const out = join(dir, 'junk');
      const run = await runCli(
        ['run', 'starter', '--url', sim.info.queue.url, '--token-env', 'SIM_TOKEN', '--count', '2', '--json'].concat([
          '--out',
          out,
          ...simOssFlags(sim),
        ]),
        simEnv(sim, 'queue'),
      );
      expect(run.code).toBe(1);
      const jobs = jsonLines(run).filter((line) => line.type === 'job');
      expect(jobs).toHaveLength(2);
      for (const job of jobs) expect(job).toMatchObject({ files: [], missing: [expect.any(Object) as unknown] });
      expect(jsonLines(run).at(-1)).toMatchObject({ type: 'summary', succeeded: 0, missingImages: 2 });
      expect(readdirSync(out)).toEqual([]);
    } finally {
      await sim.close();
    }
  }, 120_000);

  it('never overwrites: same names from two services and `a/b` against `a_b` all stay, each line names its file', async () => {
    const [first, second] = await Promise.all([startSimulator(), startSimulator()]);
    try {
      const out = join(dir, 'collisions');
      const runOn = (sim: Simulator, prefix: string) =>
        runCli(
          [
            'run',
            'starter',
            '--url',
            sim.info.exclusive.url,
            '--token-env',
            'SIM_TOKEN',
            '--count',
            '2',
            '--json',
          ].concat(['--set', `9.filename_prefix=${prefix}`, '--out', out]),
          simEnv(sim, 'exclusive'),
        );
      const one = await runOn(first, 'a/b');
      expect(one.code).toBe(0);
      const before = new Map(writtenFiles(one).map((file) => [file, sha256(file)]));
      const two = await runOn(second, 'a_b');
      expect(two.code).toBe(0);
      const three = await runOn(second, 'a/b');
      expect(three.code).toBe(0);

      const files = [...writtenFiles(one), ...writtenFiles(two), ...writtenFiles(three)];
      expect(new Set(files).size).toBe(6);
      expect(readdirSync(out).sort()).toEqual(files.map((file) => file.slice(out.length + 1)).sort());
      for (const [file, hash] of before) expect(sha256(file)).toBe(hash);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  }, 120_000);
});

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
