// `artlab run --data-dir` killed with SIGKILL mid-batch and run again with the same command: the second run resumes
// the first run's batch (no second batch), every job ends succeeded with its PNG on disk, and the Exclusive service
// accepted each prompt once.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index';
import { countAcceptedPrompts } from './support/accepted-prompts';

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
  killAfter?: number,
): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, SIM_TOKEN: sim.info.exclusive.token },
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

describe('artlab run after a kill', () => {
  it('resumes the same batch and finishes it with nothing lost or sent twice', async () => {
    const accepted = countAcceptedPrompts(sim);
    const out = join(dir, 'out');
    const args = [
      'run',
      'starter',
      '--url',
      sim.info.exclusive.url,
      '--token-env',
      'SIM_TOKEN',
      '--count',
      String(JOBS),
    ];
    args.push('--json', '--out', out, '--data-dir', join(dir, 'data'));

    const killed = await run(args, 5);
    expect(killed.code).toBeNull();
    const second = await run(args);
    expect(second.stderr).toContain('Resuming the unfinished batch');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.lines.at(-1) ?? '{}')).toMatchObject({ total: JOBS, succeeded: JOBS, failed: 0 });
    expect(readdirSync(out).filter((name) => name.endsWith('.png'))).toHaveLength(JOBS);
    expect(accepted.size).toBe(JOBS);
    expect([...accepted.values()].every((times) => times === 1)).toBe(true);
  }, 60_000);
});
