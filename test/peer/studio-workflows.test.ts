// Workflows beyond text-to-image through the whole Studio on a real ComfyUI: an animated WEBP comes back as an
// animation, and a checkpoint the service lacks is refused before anything is queued, naming what it offers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodName } from '../../preload/contract';
import type { GalleryImage } from '../../preload/schemas/gallery';
import type { Studio } from '../../main/studio';
import { callStudio } from '../integration/support/studio-call';
import { nodeStudio } from '../integration/support/node-studio';
import { comfyUrl, freshColor } from './support/peer-service';
import { animationWorkflow } from '../sim/output-workflows';

let dir: string;
let studio: Studio;
let added: GalleryImage[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-peer-workflows-'));
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

const call = <M extends MethodName>(method: M, input?: unknown) => callStudio(studio, method, input);
const peer = () => call('services.create', { name: 'peer', url: comfyUrl(), edition: 'exclusive', token: null });

describe('workflows through the Studio on a real ComfyUI', () => {
  it('brings an animated WEBP and an APNG back as animations', async () => {
    const service = await peer();
    const animation = animationWorkflow({ color: freshColor(), frames: 4, size: 64, prefix: 'peer-anim' });
    const workflow = await call('workflows.import', { name: 'flicker', json: JSON.stringify(animation) });
    const batch = await call('batches.queue', { serviceId: service.id, workflowId: workflow.id, spec: {} });
    await expect.poll(() => added.filter((image) => image.batchId === batch.id).length, { timeout: 60_000 }).toBe(2);
    const files = added.filter((item) => item.batchId === batch.id);
    const image = files.find((item) => item.mime === 'image/webp');
    expect(image).toMatchObject({ state: 'fetched', media: 'image', animated: true });
    expect(files.find((item) => item.mime === 'image/png')).toMatchObject({ state: 'fetched', animated: true });
    const file = await studio.media(image?.id ?? -1, 'original');
    const bytes = readFileSync(file?.path ?? '');
    // RIFF/WEBP with an animation chunk and one frame per image of the batch.
    expect(bytes.subarray(8, 12).toString('latin1')).toBe('WEBP');
    expect(bytes.includes(Buffer.from('ANIM'))).toBe(true);
    let frames = 0;
    for (let at = bytes.indexOf('ANMF'); at >= 0; at = bytes.indexOf('ANMF', at + 4)) frames += 1;
    expect(frames).toBe(4);
  });

  it('refuses a checkpoint the service lacks before queueing anything, saying it offers none', async () => {
    const service = await peer();
    const needsModel = {
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
      '2': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
      '3': { class_type: 'VAEDecode', inputs: { samples: ['2', 0], vae: ['1', 2] } },
      '4': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: 'never' } },
    };
    const workflow = await call('workflows.import', { name: 'needs a model', json: JSON.stringify(needsModel) });
    await expect(call('batches.queue', { serviceId: service.id, workflowId: workflow.id, spec: {} })).rejects.toThrow(
      /ckpt_name.*v1-5-pruned-emaonly\.safetensors.*offers no choices/,
    );
    expect(await call('batches.list', {})).toEqual([]);
  });
});
