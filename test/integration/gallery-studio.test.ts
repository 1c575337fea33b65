// The gallery in the whole Studio, through the contract: a batch on either edition shows up in the gallery image by
// image as its jobs finish (gallery.added), pages by batch, and one image re-runs with exactly its parameters.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodName } from '../../preload/contract';
import type { GalleryImage } from '../../preload/schemas/gallery';
import type { Studio } from '../../main/studio';
import { exclusiveServiceInput, queueServiceInput } from './support/sim-service-inputs';
import { startSimulator, type Simulator } from '../sim/index';
import { callStudio } from './support/studio-call';
import { nodeStudio } from './support/node-studio';
import { animationWorkflow, videoCombineNode } from '../sim/output-workflows';

let sim: Simulator;
let dir: string;
let studio: Studio;
let added: GalleryImage[];
let waiters: (() => void)[];

beforeEach(async () => {
  sim = await startSimulator({ stepMs: 2, redeliveryGraceMs: 100 });
  dir = mkdtempSync(join(tmpdir(), 'artlab-gallery-studio-'));
  added = [];
  waiters = [];
  studio = nodeStudio(dir);
  studio.events.subscribe((event, payload) => {
    if (event !== 'gallery.added') return;
    added.push(...(payload as { images: GalleryImage[] }).images);
    for (const wake of waiters.splice(0)) wake();
  });
});
afterEach(async () => {
  await studio.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = <M extends MethodName>(method: M, input?: unknown) => callStudio(studio, method, input);

function imagesOf(batchId: string, count: number): Promise<GalleryImage[]> {
  return new Promise((resolve) => {
    const check = (): void => {
      const found = added.filter((image) => image.batchId === batchId);
      if (found.length >= count) resolve(found);
      else waiters.push(check);
    };
    check();
  });
}

async function starterId(): Promise<string> {
  const starter = (await call('workflows.list')).find((workflow) => workflow.source === 'starter');
  if (!starter) throw new Error('no starter');
  return starter.id;
}

const ossInput = () => ({
  location: `oss://${sim.info.oss.bucket}/${sim.info.oss.prefix}/`,
  region: sim.info.oss.region,
  endpoint: sim.info.oss.endpoint,
  credentials: 'own' as const,
  accessKeyId: sim.info.oss.accessKeyId,
  accessKeySecret: sim.info.oss.accessKeySecret,
});

describe('the gallery in the Studio', () => {
  it('shows each image of a batch live from either edition, and re-runs one with exactly its parameters', async () => {
    const exclusive = await call('services.create', {
      name: 'direct',
      url: sim.info.exclusive.url,
      token: sim.info.exclusive.token,
    });
    const queue = await call('services.create', {
      name: 'queue',
      url: sim.info.queue.url,
      token: sim.info.queue.token,
      oss: ossInput(),
    });
    const workflowId = await starterId();
    const spec = { prompts: ['a red fox', 'a blue owl'], seeds: { mode: 'random' } };
    const direct = await call('batches.queue', { serviceId: exclusive.id, workflowId, spec });
    const queued = await call('batches.queue', { serviceId: queue.id, workflowId, spec });

    for (const batch of [direct, queued]) {
      const images = await imagesOf(batch.id, 2);
      expect(images.map((image) => image.positive).sort()).toEqual(['a blue owl', 'a red fox']);
      expect(images.every((image) => image.state === 'fetched' && image.workflowId === workflowId)).toBe(true);
      const page = await call('gallery.page', { filters: { batchId: batch.id } });
      // media by id only: no path of the data folder crosses the contract
      expect(JSON.stringify(page)).not.toContain(dir);
      expect(page.images.map((image) => image.id).sort()).toEqual(images.map((image) => image.id).sort());
    }
    const fromQueue = await call('gallery.get', { id: added.find((i) => i.batchId === queued.id)?.id });
    expect(fromQueue.source).toBe('oss');
    const fromDirect = await call('gallery.get', { id: added.find((i) => i.batchId === direct.id)?.id });
    expect(fromDirect.source).toBe('edition');

    const original = added.find((image) => image.batchId === direct.id && image.positive === 'a blue owl');
    const rerun = await call('gallery.rerunParams', { id: original?.id });
    expect(rerun).toMatchObject({ serviceId: exclusive.id, workflowId, source: 'job' });
    expect(rerun.values['3.seed']).toBe(original?.seed);
    const again = await call('batches.queue', { serviceId: exclusive.id, workflowId, spec: { set: rerun.values } });
    const [copy] = await imagesOf(again.id, 1);
    expect(copy).toMatchObject({ positive: 'a blue owl', seed: original?.seed, width: original?.width });
    const details = await call('gallery.get', { id: copy?.id });
    expect(details.sha256).toBe((await call('gallery.get', { id: original?.id })).sha256);
  });

  it('keeps the sounds of a SaveAudio workflow on either edition, to play them (not lost as "not an image")', async () => {
    const exclusive = await call('services.create', exclusiveServiceInput(sim.info));
    const queue = await call('services.create', queueServiceInput(sim.info));
    const sound = {
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
      '2': { class_type: 'EmptyLatentAudio', inputs: { seconds: 4, batch_size: 2 } },
      '3': { class_type: 'VAEDecodeAudio', inputs: { samples: ['2', 0], vae: ['1', 2] } },
      '4': { class_type: 'SaveAudio', inputs: { audio: ['3', 0], filename_prefix: 'audio/waves' } },
    };
    const workflow = await call('workflows.import', { name: 'Sea sounds', json: JSON.stringify(sound) });
    for (const service of [exclusive, queue]) {
      const batch = await call('batches.queue', { serviceId: service.id, workflowId: workflow.id, spec: {} });
      const files = await imagesOf(batch.id, 2);
      expect(files.map((file) => [file.state, file.media, file.mime])).toEqual([
        ['fetched', 'audio', 'audio/wav'],
        ['fetched', 'audio', 'audio/wav'],
      ]);
      expect(files.every((file) => file.thumbUrl === null && file.url !== null)).toBe(true);
      const original = await studio.media(files[0]?.id ?? -1, 'original');
      expect(original).toMatchObject({ mime: 'audio/wav' });
      expect(original?.size).toBeGreaterThan(44);
    }
  });

  it('brings SaveAnimatedWEBP and SaveAnimatedPNG files back as animations on either edition', async () => {
    const exclusive = await call('services.create', exclusiveServiceInput(sim.info));
    const queue = await call('services.create', queueServiceInput(sim.info));
    const flicker = (color: number) => animationWorkflow({ color, frames: 3, prefix: 'anim/flicker' });
    for (const [index, service] of [exclusive, queue].entries()) {
      const json = JSON.stringify(flicker(1000 + index));
      const workflow = await call('workflows.import', { name: `Flicker ${index}`, json });
      const batch = await call('batches.queue', { serviceId: service.id, workflowId: workflow.id, spec: {} });
      const files = await imagesOf(batch.id, 2);
      const file = files.find((image) => image.mime === 'image/webp');
      expect(file).toMatchObject({ state: 'fetched', media: 'image', animated: true });
      expect(file?.filename).toMatch(/^flicker-webp_.*\.webp$/);
      const original = await studio.media(file?.id ?? -1, 'original');
      expect((await sharp(original?.path ?? '', { animated: true }).metadata()).pages).toBe(3);
      // An APNG's decoder sees one frame: its animation control chunk marks it animated (it plays in the viewer).
      const apng = files.find((image) => image.mime === 'image/png');
      expect(apng).toMatchObject({ state: 'fetched', media: 'image', animated: true, width: 32, height: 32 });
      const bytes = readFileSync((await studio.media(apng?.id ?? -1, 'original'))?.path ?? '');
      expect(bytes.toString('latin1').split('fcTL').length - 1).toBe(3);
    }
  });

  it('keeps the videos of SaveWEBM and VideoHelperSuite’s VHS_VideoCombine on either edition', async () => {
    const exclusive = await call('services.create', exclusiveServiceInput(sim.info));
    const queue = await call('services.create', queueServiceInput(sim.info));
    const clips = (color: number) => ({
      '1': { class_type: 'EmptyImage', inputs: { width: 32, height: 32, batch_size: 4, color } },
      '2': {
        class_type: 'SaveWEBM',
        inputs: { images: ['1', 0], filename_prefix: 'video/core', codec: 'vp9', fps: 12, crf: 32 },
      },
      '3': videoCombineNode(['1', 0]),
    });
    for (const [index, service] of [exclusive, queue].entries()) {
      const json = JSON.stringify(clips(2000 + index));
      const workflow = await call('workflows.import', { name: `Clips ${index}`, json });
      const batch = await call('batches.queue', { serviceId: service.id, workflowId: workflow.id, spec: {} });
      const files = await imagesOf(batch.id, 2);
      expect(files.map((file) => [file.state, file.media, file.mime, file.thumbUrl]).sort()).toEqual([
        ['fetched', 'video', 'video/webm', null],
        ['fetched', 'video', 'video/webm', null],
      ]);
      expect(files.map((file) => file.filename.split('_')[0]).sort()).toEqual(['core', 'vhs']);
    }
  });
});
