// Input images through the Studio's contract, on real simulators: a file is sent once and kept on this computer; a
// value a workflow holds (a re-run) is found on the service, else sent again from that copy, else said to be gone; a
// Gallery image becomes an input (img2img from a result); and a pool batch puts its inputs on every member first.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GalleryImage } from '../../preload/schemas/gallery';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { finishedBatches } from './support/finished-batches';
import { nodeStudio } from './support/node-studio';
import { exclusiveServiceInput, queueServiceInput } from './support/sim-service-inputs';
import { studioCalls } from './support/studio-call';

let first: Simulator;
let second: Simulator;
let dir: string;
let studio: Studio;
let finishedBatch: (batchId: string) => Promise<void>;

beforeEach(async () => {
  [first, second] = await Promise.all([startSimulator({ stepMs: 2 }), startSimulator({ stepMs: 2 })]);
  dir = mkdtempSync(join(tmpdir(), 'artlab-input-images-'));
  studio = nodeStudio(dir);
  finishedBatch = finishedBatches(studio);
});
afterEach(async () => {
  await studio.close();
  await Promise.all([first.close(), second.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const { call, failure } = studioCalls(() => studio);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function inputPuts(sim: Simulator): string[] {
  const puts: string[] = [];
  sim.oss.subscribe((event) => {
    if (event.type === 'put' && event.key.includes('/input/'))
      puts.push(event.key.slice(event.key.lastIndexOf('/') + 1));
  });
  return puts;
}

const png = (red: number) =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: { r: red, g: 40, b: 90 } } })
    .png()
    .toBuffer();

async function services() {
  const a = await call('services.create', exclusiveServiceInput(first.info, 'A'));
  const b = await call('services.create', exclusiveServiceInput(second.info, 'B'));
  return { a: a.id, b: b.id };
}

async function finished(batchId: string) {
  await finishedBatch(batchId);
  return call('batches.get', { batchId });
}

const invert = {
  '1': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
  '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'inverted' } },
};

describe('input images in the Studio', () => {
  it('sends a file once, and a re-run finds it on the service or sends it again from the copy', async () => {
    const { a, b } = await services();
    const onA = inputPuts(first);
    const onB = inputPuts(second);
    const bytes = await png(200);
    const base64 = bytes.toString('base64');
    const sent = await call('workflows.uploadImage', { serviceId: a, fileName: 'photo.png', base64 });
    expect(sent).toMatchObject({ reused: false, fileName: 'photo.png' });
    expect(sent.value).toMatch(/^artlab-[0-9a-f]{40}\.png$/);
    expect(readdirSync(join(dir, 'inputs'))).toEqual([sent.value]);
    expect(await call('workflows.uploadImage', { serviceId: a, fileName: 'again.png', base64 })).toMatchObject({
      value: sent.value,
      reused: true,
    });
    expect(onA).toEqual([sent.value]);

    // A re-run names the value only: A has it; B never had it and gets it from this computer's copy, once.
    expect(await call('workflows.uploadImage', { serviceId: a, value: sent.value })).toEqual({
      value: sent.value,
      reused: true,
    });
    expect(await call('workflows.uploadImage', { serviceId: b, value: sent.value })).toEqual({
      value: sent.value,
      reused: false,
      fromCopy: true,
    });
    expect(await call('workflows.uploadImage', { serviceId: b, value: sent.value })).toMatchObject({ reused: true });
    expect(onB).toEqual([sent.value]);

    // Neither on the service nor on this computer: said, with the name, and nothing is sent.
    const gone = `artlab-${'0'.repeat(40)}.png`;
    expect(await failure('workflows.uploadImage', { serviceId: b, value: gone })).toMatchObject({
      kind: 'not_found',
      message: `“${gone}” is no longer on “B”, and this computer has no copy of it. Choose the image again.`,
    });
    expect((await failure('workflows.uploadImage', { serviceId: a, value: '../../etc/passwd' })).kind).toBe(
      'not_found',
    );
    expect(onB).toHaveLength(1);
  });

  it('refuses a copy whose bytes no longer match its name (a damaged file is never sent)', async () => {
    const { a, b } = await services();
    const sent = await call('workflows.uploadImage', {
      serviceId: a,
      fileName: 'photo.png',
      base64: (await png(10)).toString('base64'),
    });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'inputs', sent.value), await png(11));
    expect((await failure('workflows.uploadImage', { serviceId: b, value: sent.value })).message).toContain(
      'this computer has no copy',
    );
  });

  it('turns a Gallery image into an input, and says so when the image is not on this computer', async () => {
    const { a } = await services();
    const added: GalleryImage[] = [];
    studio.events.subscribe((event, payload) => {
      if (event === 'gallery.added') added.push(...(payload as { images: GalleryImage[] }).images);
    });
    const starter = (await call('workflows.list')).find((workflow) => workflow.source === 'starter');
    await call('batches.queue', { serviceId: a, workflowId: starter?.id, spec: { prompts: ['a lighthouse'] } });
    for (let i = 0; i < 400 && !added.some((image) => image.state === 'fetched'); i++) {
      await pause(10);
      const page = await call('gallery.page', {});
      added.splice(0, added.length, ...page.images);
    }
    const image = added.find((candidate) => candidate.state === 'fetched');
    expect(image).toBeDefined();
    const used = await call('workflows.uploadImage', { serviceId: a, galleryImageId: image?.id });
    expect(used).toMatchObject({ reused: false, fileName: image?.filename });
    expect(used.value).toMatch(/^artlab-[0-9a-f]{40}\.png$/);
    expect(await failure('workflows.uploadImage', { serviceId: a, galleryImageId: 999_999 })).toMatchObject({
      kind: 'not_found',
    });
  });

  it('puts the inputs of a pool batch on every member before a job is sent, and the batch runs on both', async () => {
    const { a, b } = await services();
    const onB = inputPuts(second);
    const values: string[] = [];
    for (const red of [20, 90, 160, 230]) {
      const base64 = (await png(red)).toString('base64');
      values.push((await call('workflows.uploadImage', { serviceId: a, fileName: `p${red}.png`, base64 })).value);
    }
    const workflow = await call('workflows.import', { name: 'Invert', json: JSON.stringify(invert) });
    const batch = await call('batches.queue', {
      serviceIds: [a, b],
      workflowId: workflow.id,
      spec: { sweeps: [{ parameter: '1.image', values }] },
    });
    expect([...onB].sort()).toEqual([...values].sort());
    const done = await finished(batch.id);
    expect(done.counts).toMatchObject({ succeeded: 4, failed: 0 });
  });

  it('puts an image chosen for one service on another the batch is then sent to', async () => {
    const { a, b } = await services();
    const onB = inputPuts(second);
    const base64 = (await png(77)).toString('base64');
    const { value } = await call('workflows.uploadImage', { serviceId: a, fileName: 'p.png', base64 });
    const workflow = await call('workflows.import', { name: 'Invert', json: JSON.stringify(invert) });
    const batch = await call('batches.queue', {
      serviceId: b,
      workflowId: workflow.id,
      spec: { set: { '1.image': value } },
    });
    expect(onB).toEqual([value]);
    const done = await finished(batch.id);
    expect(done.counts).toMatchObject({ succeeded: 1, failed: 0 });
  });

  it('on the API edition, an input re-used from this computer goes into the OSS mount its workers read', async () => {
    const { a } = await services();
    const onSecond = inputPuts(second);
    const api = await call('services.create', queueServiceInput(second.info, 'Farm'));
    const base64 = (await png(140)).toString('base64');
    const { value } = await call('workflows.uploadImage', { serviceId: a, fileName: 'p.png', base64 });
    expect(await call('workflows.uploadImage', { serviceId: api.id, value })).toMatchObject({ fromCopy: true });
    expect(onSecond).toEqual([value]);
    const workflow = await call('workflows.import', { name: 'Invert', json: JSON.stringify(invert) });
    const batch = await call('batches.queue', {
      serviceId: api.id,
      workflowId: workflow.id,
      spec: { set: { '1.image': value } },
    });
    const done = await finished(batch.id);
    expect(done.counts).toMatchObject({ succeeded: 1, failed: 0 });
    expect(onSecond).toHaveLength(1);
    const gone = `artlab-${'1'.repeat(40)}.png`;
    expect((await failure('workflows.uploadImage', { serviceId: api.id, value: gone })).message).toBe(
      `“${gone}” is no longer on “Farm”, and this computer has no copy of it. Choose the image again.`,
    );
  });
});
