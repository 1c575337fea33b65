// `artlab run` with several --url: one batch over a pool of services. Every job is rendered once, by whichever
// service had room; a service that refuses its token takes no more work and the run finishes on the others.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index';
import { countAcceptedPrompts } from './support/accepted-prompts';
import { runCli } from './support/cli-process';

let first: Simulator;
let second: Simulator;
let firstAccepted: Map<string, number>;
let secondAccepted: Map<string, number>;
let dir: string;
beforeAll(async () => {
  [first, second] = await Promise.all([startSimulator({ stepMs: 5 }), startSimulator({ stepMs: 5 })]);
  firstAccepted = countAcceptedPrompts(first);
  secondAccepted = countAcceptedPrompts(second);
  dir = mkdtempSync(join(tmpdir(), 'artlab-cli-pool-'));
});
afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const events = (stdout: string): { type: string; [key: string]: unknown }[] =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string });

const invert = {
  '1': { class_type: 'LoadImage', inputs: { image: 'placeholder.png' } },
  '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'inverted' } },
};

describe('artlab run over several services', () => {
  it('spreads one batch over both services, each job rendered once, every image in --out', async () => {
    firstAccepted.clear();
    secondAccepted.clear();
    const out = join(dir, 'both');
    const run = await runCli(
      ['run', 'starter', '--url', first.info.exclusive.url, '--token-env', 'ONE'].concat([
        '--url',
        second.info.exclusive.url,
        '--token-env',
        'TWO',
        '--count',
        '12',
        '--json',
        '--out',
        out,
      ]),
      { ONE: first.info.exclusive.token, TWO: second.info.exclusive.token },
    );
    expect(run.stderr).not.toContain('Stopped');
    expect(run.code).toBe(0);
    expect(readdirSync(out)).toHaveLength(12);
    expect(firstAccepted.size).toBeGreaterThan(0);
    expect(secondAccepted.size).toBeGreaterThan(0);
    expect(firstAccepted.size + secondAccepted.size).toBe(12);
    expect([...firstAccepted.values(), ...secondAccepted.values()].every((count) => count === 1)).toBe(true);
    expect(events(run.stdout).at(-1)).toMatchObject({ type: 'summary', total: 12, succeeded: 12 });
  }, 90_000);

  it('goes on without a service that refuses its token, says so, and finishes on the other', async () => {
    firstAccepted.clear();
    secondAccepted.clear();
    const out = join(dir, 'one-refused');
    const run = await runCli(
      ['run', 'starter', '--url', first.info.exclusive.url, '--token-env', 'WRONG'].concat([
        '--url',
        second.info.exclusive.url,
        '--token-env',
        'TWO',
        '--count',
        '6',
        '--json',
        '--out',
        out,
      ]),
      { WRONG: 'not-the-token', TWO: second.info.exclusive.token },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('the batch goes on with');
    expect(events(run.stdout)).toContainEqual(expect.objectContaining({ type: 'paused', continuing: true }));
    expect(readdirSync(out)).toHaveLength(6);
    expect(firstAccepted.size).toBe(0);
    expect(secondAccepted.size).toBe(6);
  }, 90_000);

  it('puts --image inputs on every service of the pool before the batch is queued, each image sent once to each', async () => {
    const photos = join(dir, 'photos');
    mkdirSync(photos);
    for (const red of [30, 90, 150, 210]) {
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: red, g: 0, b: 0 } } })
        .png()
        .toBuffer();
      writeFileSync(join(photos, `p${red}.png`), png);
    }
    writeFileSync(join(dir, 'invert.json'), JSON.stringify(invert));
    const puts = (sim: Simulator) => {
      const keys: string[] = [];
      sim.oss.subscribe((event) => {
        if (event.type === 'put' && event.key.includes('/input/')) keys.push(event.key);
      });
      return keys;
    };
    const [onFirst, onSecond] = [puts(first), puts(second)];
    const run = await runCli(
      ['run', join(dir, 'invert.json'), '--url', first.info.exclusive.url, '--token-env', 'ONE'].concat([
        '--url',
        second.info.exclusive.url,
        '--token-env',
        'TWO',
        '--image',
        `1=${photos}`,
        '--json',
        '--out',
        join(dir, 'inverted'),
      ]),
      { ONE: first.info.exclusive.token, TWO: second.info.exclusive.token },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(events(run.stdout).at(-1)).toMatchObject({ type: 'summary', total: 4, succeeded: 4 });
    expect(onFirst).toHaveLength(4);
    expect(onSecond).toHaveLength(4);
  }, 90_000);
});
