// `artlab run --data-dir` killed with SIGKILL three times mid-batch and run again with the same command, on each
// edition: every later run resumes the first run's batch (no second batch), every job ends succeeded with its PNG on
// disk, and the service took each prompt (Exclusive) or task (API edition) once.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index';
import { countAcceptedPrompts, countPutTasks } from './support/accepted-prompts';

const cli = fileURLToPath(new URL('../../main/cli/index.ts', import.meta.url));
const JOBS = 30;

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ stepMs: 3 });
  dir = mkdtempSync(join(tmpdir(), 'artlab-cli-resume-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI; with `killAfter`, SIGKILLs it after that many stdout lines. */
async function run(
  args: string[],
  token: string,
  killAfter?: number,
): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: {
      ...process.env,
      SIM_TOKEN: token,
      SIM_OSS_ID: sim.info.oss.accessKeyId,
      SIM_OSS_SECRET: sim.info.oss.accessKeySecret,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const lines: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line);
    if (lines.length === killAfter) child.kill('SIGKILL');
  }
  return { code: await closed, lines, stderr };
}

describe('artlab run after kills', () => {
  it.each(['exclusive', 'queue'] as const)(
    'resumes the same %s batch after three SIGKILLs and finishes it with nothing lost or sent twice',
    async (edition) => {
      const taken = edition === 'exclusive' ? countAcceptedPrompts(sim) : countPutTasks(sim);
      const service = edition === 'exclusive' ? sim.info.exclusive : sim.info.queue;
      const out = join(dir, edition, 'out');
      const args = ['run', 'starter', '--url', service.url, '--token-env', 'SIM_TOKEN', '--count', String(JOBS)];
      args.push('--json', '--out', out, '--data-dir', join(dir, edition, 'data'));
      // The API edition's images are in the OSS mount.
      const { oss } = sim.info;
      if (edition === 'queue') {
        args.push('--oss', `oss://${oss.bucket}/${oss.prefix}/`, '--oss-endpoint', oss.endpoint);
        args.push('--oss-key-id-env', 'SIM_OSS_ID', '--oss-secret-env', 'SIM_OSS_SECRET');
      }

      // Killed after the 3rd, 6th and 9th line of JSON: each run gets some jobs further before it dies.
      for (const killAfter of [3, 3, 3]) {
        const killed = await run(args, service.token, killAfter);
        expect(killed.code).toBeNull();
      }
      const last = await run(args, service.token);
      // The batch may have finished during the last killed run: then there is nothing left to resume or fetch.
      expect(last.stderr).toMatch(/Resuming the unfinished batch|is finished \(\d+ jobs\); nothing is missing/);
      expect(last.code).toBe(0);
      expect(JSON.parse(last.lines.at(-1) ?? '{}')).toMatchObject({ total: JOBS, succeeded: JOBS, failed: 0 });
      expect(readdirSync(out).filter((name) => name.endsWith('.png'))).toHaveLength(JOBS);
      expect(taken.size).toBe(JOBS);
      expect([...taken.values()].every((times) => times === 1)).toBe(true);
    },
    180_000,
  );
});
