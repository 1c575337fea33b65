// `artlab run --image`: a folder of images runs one job each, on the Exclusive edition (ComfyUI's upload) and on the
// API edition (put into the service's OSS mount, where its workers read them), each image sent once however often the
// command runs; a file that is not an image, or an OSS key that may not write, is refused before anything is queued.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index';
import { runCli, simOssFlags, type CliRun } from './support/cli-process';

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
  // Other pictures for the API edition: the simulator's two editions share one OSS mount, where the Exclusive
  // edition's uploads already are.
  mkdirSync(join(dir, 'photos-q'));
  for (const [i, green] of [30, 130, 230].entries()) {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 0, g: green, b: 0 } } })
      .png()
      .toBuffer();
    writeFileSync(join(dir, 'photos-q', `photo-${i + 1}.png`), png);
  }
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

  it("puts a folder of images into the API edition's OSS mount once, and its workers read them there", async () => {
    uploads.length = 0;
    const out = join(dir, 'out-queue');
    const args = ['--out', out, '--data-dir', join(dir, 'data-queue'), ...simOssFlags(sim)];
    const env = { SIM_OSS_ID: sim.info.oss.accessKeyId, SIM_OSS_SECRET: sim.info.oss.accessKeySecret };
    const run = (): Promise<CliRun> =>
      runCli(
        ['run', join(dir, 'invert.json'), '--url', sim.info.queue.url, '--token-env', 'SIM_TOKEN'].concat([
          '--image',
          `1=${join(dir, 'photos-q')}`,
          '--json',
          ...args,
        ]),
        { SIM_TOKEN: sim.info.queue.token, ...env },
      );
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ total: 3, succeeded: 3 });
    const prefix = `${sim.info.oss.prefix}/input/artlab-`;
    expect(uploads.map((key) => key.slice(0, prefix.length))).toEqual([prefix, prefix, prefix]);
    // Three inputs of different content: three different pictures came back.
    const outputs = readdirSync(out).filter((name) => name.endsWith('.png'));
    expect(outputs).toHaveLength(3);
    const digests = new Set(
      outputs.map((name) =>
        createHash('sha256')
          .update(readFileSync(join(out, name)))
          .digest('hex'),
      ),
    );
    expect(digests.size).toBe(3);

    const again = await run();
    expect(again.code, again.stderr).toBe(0);
    expect(uploads).toHaveLength(3);
  });

  it('refuses the run, naming the permission, when the OSS key may not write, and queues nothing', async () => {
    const lonely = join(dir, 'lonely.png');
    writeFileSync(
      lonely,
      await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 1, g: 2, b: 3 } } })
        .png()
        .toBuffer(),
    );
    const submitted = sim.queue.input.lastIndex;
    sim.ossServer.denyWrites(true);
    try {
      const run = await runCli(
        ['run', join(dir, 'invert.json'), '--url', sim.info.queue.url, '--token-env', 'SIM_TOKEN'].concat([
          '--image',
          `1=${lonely}`,
          '--out',
          join(dir, 'out-denied'),
          ...simOssFlags(sim),
        ]),
        {
          SIM_TOKEN: sim.info.queue.token,
          SIM_OSS_ID: sim.info.oss.accessKeyId,
          SIM_OSS_SECRET: sim.info.oss.accessKeySecret,
        },
      );
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('may not write');
      expect(run.stderr).toContain('oss:PutObject');
      expect(run.stderr).not.toContain(sim.info.oss.accessKeySecret);
      expect(sim.queue.input.lastIndex).toBe(submitted);
    } finally {
      sim.ossServer.denyWrites(false);
    }
  });

  it('says a missing image path is missing', async () => {
    const run = await runOn(sim.info.exclusive.url, sim.info.exclusive.token, `1=${join(dir, 'nowhere')}`);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('there is no file or folder');
  });
});
