// An input image on a real ComfyUI 0.3.65: uploaded once under its content hash, found there by a second upload
// without sending it again, and read by LoadImage: ImageInvert's result is the input's inverse, pixel for pixel.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectExclusive, submitWorkflow, type ConnectedClient } from '../integration/support/exclusive-rig';
import { comfyUrl } from './support/peer-service';

let dir: string;
let rig: ConnectedClient;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'artlab-peer-input-'));
  rig = connectExclusive({ url: comfyUrl(), timing: { pollIntervalMs: 200, maxPollIntervalMs: 1_000 } });
});
afterEach(async () => {
  await rig.client.close();
  await rm(dir, { recursive: true, force: true });
});

describe('input images on a real ComfyUI', () => {
  it('uploads once, reuses the upload, and LoadImage → ImageInvert inverts its pixels', async () => {
    // A random colour per run, so an earlier run's upload cannot make the first call a reuse.
    const colour = { r: Math.floor(Math.random() * 256), g: 40, b: 220 };
    const bytes = await sharp({ create: { width: 16, height: 8, channels: 3, background: colour } })
      .png()
      .toBuffer();

    const first = await rig.client.uploadInput({ bytes, ext: 'png' });
    expect(first.reused).toBe(false);
    const again = await rig.client.uploadInput({ bytes, ext: 'png' });
    expect(again).toMatchObject({ value: first.value, reused: true });

    const identity = await submitWorkflow(rig.client, {
      '1': { class_type: 'LoadImage', inputs: { image: first.value } },
      '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'peer-input-invert' } },
    });
    const done = await rig.result(identity);
    expect(done.error).toBeUndefined();
    const [file] = done.outputs;
    if (!file) throw new Error('no output');
    const destination = join(dir, 'inverted.png');
    await rig.client.download(file, destination);

    const { data, info } = await sharp(destination).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([16, 8]);
    // ComfyUI works in floats and truncates when it saves: within one step of 255 − value.
    const inverse = [255 - colour.r, 255 - colour.g, 255 - colour.b];
    [...data.subarray(0, 3)].forEach((value, channel) =>
      expect(Math.abs(value - (inverse[channel] ?? 0))).toBeLessThanOrEqual(1),
    );
  });
});
