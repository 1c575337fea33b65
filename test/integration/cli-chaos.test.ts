// `artlab run` on the API edition through a hostile day: sockets dropped every 7 frames, every server restarted every
// 4 s, 5 % of HTTP requests answered 5xx, 2 % of workers dying mid-job. The CLI still ends with exit 0, every image
// in --out, and each task_id put into the input queue exactly once.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index';
import { runCli } from './support/cli-process';
import { PNG_SIGNATURE } from './support/exclusive-rig';

const JOBS = 300;

let sim: Simulator;
let dir: string;
const puts = new Map<string, number>();
beforeAll(async () => {
  sim = await startSimulator({
    dropWsEvery: 7,
    restartEverySec: 4,
    failRate: 0.05,
    workerCrashRate: 0.02,
    redeliveryGraceMs: 500,
    seed: 11,
  });
  const input = sim.queue.input;
  const put = input.put.bind(input);
  input.put = (data, tags) => {
    const taskId = tags.task_id;
    if (taskId !== undefined) puts.set(taskId, (puts.get(taskId) ?? 0) + 1);
    return put(data, tags);
  };
  dir = mkdtempSync(join(tmpdir(), 'artlab-cli-chaos-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('artlab run under chaos', () => {
  it(`finishes ${JOBS} API-edition jobs with every image and no task sent twice`, async () => {
    const out = join(dir, 'out');
    const { oss } = sim.info;
    const run = await runCli(
      ['run', 'starter', '--url', sim.info.queue.url, '--token-env', 'SIM_TOKEN', '--count', String(JOBS), '--json']
        .concat(['--out', out, '--oss', `oss://${oss.bucket}/${oss.prefix}/`, '--oss-endpoint', oss.endpoint])
        .concat(['--oss-key-id-env', 'SIM_OSS_ID', '--oss-secret-env', 'SIM_OSS_SECRET']),
      { SIM_TOKEN: sim.info.queue.token, SIM_OSS_ID: oss.accessKeyId, SIM_OSS_SECRET: oss.accessKeySecret },
    );
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    const missing = run.stdout.split('\n').filter((line) => line.includes(`"missing":[{`));
    expect(summary, missing.join('\n') + run.stderr).toMatchObject({
      type: 'summary',
      total: JOBS,
      succeeded: JOBS,
      missingImages: 0,
    });
    expect(run.code).toBe(0);
    const names = readdirSync(out);
    expect(names.filter((name) => name.endsWith('.png'))).toHaveLength(JOBS);
    for (const name of names) expect(readFileSync(join(out, name)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(puts.size).toBe(JOBS);
    expect([...puts.entries()].filter(([, times]) => times !== 1)).toEqual([]);
  }, 600_000);
});
