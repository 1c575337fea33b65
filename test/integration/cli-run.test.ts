// `artlab run` against the simulator, as a child process: the "done when" for both editions, and the clear
// refusals (exit 2) of a bad flag, a missing environment variable and a UI-format workflow.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index';
import { runCli as run, simOssFlags } from './support/cli-process';
import { PNG_SIGNATURE } from './support/exclusive-rig';

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ redeliveryGraceMs: 100 });
  dir = mkdtempSync(join(tmpdir(), 'artlab-cli-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('artlab run', () => {
  it.each(['exclusive', 'queue'] as const)(
    'runs 20 jobs of the starter on the %s edition and saves 20 PNGs',
    async (edition) => {
      const out = join(dir, `out-${edition}`);
      const url = edition === 'exclusive' ? sim.info.exclusive.url : sim.info.queue.url;
      const result = await run(
        [
          'run',
          'starter',
          '--url',
          url,
          '--token-env',
          'SIM_TOKEN',
          '--count',
          '20',
          '--json',
          '--out',
          out,
          ...simOssFlags(sim),
        ],
        {
          SIM_TOKEN: edition === 'exclusive' ? sim.info.exclusive.token : sim.info.queue.token,
          SIM_OSS_ID: sim.info.oss.accessKeyId,
          SIM_OSS_SECRET: sim.info.oss.accessKeySecret,
        },
      );
      expect(result.stderr).toContain('20/20 jobs');
      expect(result.code).toBe(0);
      const lines = result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toHaveLength(21);
      for (const line of lines.slice(0, 20)) {
        expect(line).toMatchObject({ state: 'succeeded', error: null, files: [expect.any(String) as unknown] });
      }
      expect(lines[20]).toMatchObject({ total: 20, succeeded: 20, failed: 0, seconds: expect.any(Number) as unknown });
      const files = readdirSync(out);
      expect(files.filter((name) => name.endsWith('.png'))).toHaveLength(20);
      for (const name of files) expect(readFileSync(join(out, name)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
      // The token travelled in the environment only, and is not echoed anywhere.
      expect(result.stdout + result.stderr).not.toContain(
        edition === 'exclusive' ? sim.info.exclusive.token : sim.info.queue.token,
      );
    },
  );

  it('expands {a|b} alternatives and __name__ wildcards from --wildcards into one job per combination', async () => {
    const wildcards = join(dir, 'wildcards');
    mkdirSync(wildcards, { recursive: true });
    writeFileSync(join(wildcards, 'animals.txt'), '# one per line\nfox\nowl\n');
    writeFileSync(join(dir, 'variations.txt'), 'a {red|blue} __animals__\n');
    const out = join(dir, 'out-variations');
    const result = await run(
      ['run', 'starter', '--url', sim.info.exclusive.url, '--token-env', 'SIM_TOKEN', '--json', '--out', out].concat([
        '--prompts',
        join(dir, 'variations.txt'),
        '--wildcards',
        wildcards,
      ]),
      { SIM_TOKEN: sim.info.exclusive.token },
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(summary).toMatchObject({ type: 'summary', total: 4, succeeded: 4 });
    expect(readdirSync(out).filter((name) => name.endsWith('.png'))).toHaveLength(4);
  }, 60_000);

  it('refuses a UI-format workflow with how to export the API format (exit 2)', async () => {
    const file = join(dir, 'ui.json');
    writeFileSync(file, JSON.stringify({ nodes: [], links: [], version: 0.4 }));
    const result = await run(['run', file, '--url', sim.info.exclusive.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Export \(API\)/);
    // A refused run leaves no empty default --out folder in the working directory.
    expect(existsSync(resolve('artlab-output'))).toBe(false);
  });

  it('refuses an unknown flag and a token variable that is not set (exit 2)', async () => {
    const bogus = await run(['run', 'starter', '--url', sim.info.exclusive.url, '--token', 'secret']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/--token/);
    const missing = await run(['run', 'starter', '--url', sim.info.exclusive.url, '--token-env', 'ARTLAB_NO_SUCH_VAR']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ARTLAB_NO_SUCH_VAR');
  });
});
