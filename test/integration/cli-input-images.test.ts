// `artlab run --image`: a folder of images runs one job each on the Exclusive edition, each image sent once however
// often the command runs; a file that is not an image and an API-edition service are refused before anything is queued.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index';
import { runCli } from './support/cli-process';

let sim: Simulator;
let dir: string;
const uploads: string[] = [];

const invertFromInput = {
  '1': { class_type: 'LoadImage', inputs: { image: 'placeholder.png' } },
  '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'inverted' } },
};

beforeAll(async () => {
  sim = await startSimulator({ stepMs: 1 });
  sim.oss.subscribe((event) => {
    if (event.type === 'put' && event.key.includes('/input/')) uploads.push(event.key);
  });
  dir = mkdtempSync(join(tmpdir(), 'artlab-cli-images-'));
  writeFileSync(join(dir, 'invert.json'), JSON.stringify(invertFromInput));
  mkdirSync(join(dir, 'photos'));
  for (const [i, red] of [10, 120, 240].entries()) {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: red, g: 0, b: 0 } } })
      .png()
      .toBuffer();
    writeFileSync(join(dir, 'photos', `photo-${i + 1}.png`), png);
  }
  writeFileSync(join(dir, 'photos', 'notes.txt'), 'not an image, and not picked up by extension');
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

function runOn(url: string, token: string, image: string, extra: string[] = []) {
  return runCli(
    ['run', join(dir, 'invert.json'), '--url', url, '--token-env', 'SIM_TOKEN', '--image', image, '--json'].concat(
      extra,
    ),
    { SIM_TOKEN: token },
  );
}

describe('artlab run --image', () => {
  it('runs every image of a folder as one job, and a second run sends none of them again', async () => {
    const out = join(dir, 'out');
    const data = join(dir, 'data');
    const args = ['--out', out, '--data-dir', data];
    const first = await runOn(sim.info.exclusive.url, sim.info.exclusive.token, `1=${join(dir, 'photos')}`, args);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(summary).toMatchObject({ total: 3, succeeded: 3 });
    expect(readdirSync(out).filter((name) => name.endsWith('.png'))).toHaveLength(3);
    expect(uploads).toHaveLength(3);

    const again = await runOn(sim.info.exclusive.url, sim.info.exclusive.token, `1=${join(dir, 'photos')}`, args);
    expect(again.code, again.stderr).toBe(0);
    expect(uploads).toHaveLength(3);
  });

  it('refuses a file that is not an image, naming it', async () => {
    const fake = join(dir, 'fake.png');
    writeFileSync(fake, 'plain text with a .png name');
    const run = await runOn(sim.info.exclusive.url, sim.info.exclusive.token, `1.image=${fake}`, [
      '--out',
      join(dir, 'out-fake'),
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('is not a PNG, JPEG, WebP or GIF image');
  });

  it('refuses input images on the API edition with what to do instead', async () => {
    const run = await runOn(sim.info.queue.url, sim.info.queue.token, `1=${join(dir, 'photos', 'photo-1.png')}`, [
      '--out',
      join(dir, 'out-queue'),
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('Exclusive-edition service');
  });

  it('says a missing image path is missing', async () => {
    const run = await runOn(sim.info.exclusive.url, sim.info.exclusive.token, `1=${join(dir, 'nowhere')}`);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('there is no file or folder');
  });
});
