// The Studio's input images against a real ComfyUI: a file sent through the contract, found there again by its value
// alone (a re-run), a name ComfyUI does not have said to be gone, and a result of the gallery used as the next input
// (img2img from a result): LoadImage reads it and the batch runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GalleryImage } from '../../preload/schemas/gallery';
import { serializeWorkflow } from '../../main/comfy/workflow-parse';
import type { Studio } from '../../main/studio';
import { studioCalls } from '../integration/support/studio-call';
import { nodeStudio } from '../integration/support/node-studio';
import { comfyUrl } from './support/peer-service';

let dir: string;
let studio: Studio;
let added: GalleryImage[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-peer-inputs-'));
  added = [];
  studio = nodeStudio(dir);
  studio.events.subscribe((event, payload) => {
    if (event === 'gallery.added') added.push(...(payload as { images: GalleryImage[] }).images);
  });
});
afterEach(async () => {
  await studio.close();
  rmSync(dir, { recursive: true, force: true });
});

const { call, failure } = studioCalls(() => studio);

const invert = {
  '1': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
  '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'peer-studio-input' } },
};

describe('input images through the Studio on a real ComfyUI', () => {
  it('finds a value on the service, says when it is gone, and runs a gallery result as the next input', async () => {
    const service = await call('services.create', { name: 'peer', url: comfyUrl(), edition: 'exclusive', token: null });
    const colour = { r: Math.floor(Math.random() * 256), g: 90, b: 30 };
    const bytes = await sharp({ create: { width: 12, height: 12, channels: 3, background: colour } })
      .png()
      .toBuffer();
    const sent = await call('workflows.uploadImage', {
      serviceId: service.id,
      fileName: 'photo.png',
      base64: bytes.toString('base64'),
    });
    expect(await call('workflows.uploadImage', { serviceId: service.id, value: sent.value })).toEqual({
      value: sent.value,
      reused: true,
    });
    const gone = `artlab-${'0'.repeat(40)}.png`;
    expect((await failure('workflows.uploadImage', { serviceId: service.id, value: gone })).message).toContain(
      'no longer on “peer”',
    );

    const workflow = await call('workflows.import', { name: 'invert', json: serializeWorkflow(invert) });
    const run = async (value: string) => {
      const batch = await call('batches.queue', {
        serviceId: service.id,
        workflowId: workflow.id,
        spec: { set: { '1.image': value } },
      });
      await expect
        .poll(async () => (await call('batches.get', { batchId: batch.id })).finished, { timeout: 60_000 })
        .toBe(true);
      expect((await call('batches.get', { batchId: batch.id })).counts.succeeded).toBe(1);
      await expect.poll(() => added.filter((image) => image.batchId === batch.id).length, { timeout: 30_000 }).toBe(1);
      return added.find((image) => image.batchId === batch.id);
    };
    const first = await run(sent.value);
    // Its result goes back in: inverted twice is the colour it started as.
    const next = await call('workflows.uploadImage', { serviceId: service.id, galleryImageId: first?.id });
    expect(next.value).toMatch(/^artlab-[0-9a-f]{40}\.png$/);
    const second = await run(next.value);
    const original = await studio.media(second?.id ?? -1, 'original');
    const { data } = await sharp(original?.path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    [colour.r, colour.g, colour.b].forEach((value, channel) =>
      expect(Math.abs((data[channel] ?? 0) - value)).toBeLessThanOrEqual(2),
    );
  });
});
