// PreviewImage (`temp`) outputs belong to their job, not to the Gallery: they show in the Queue (the job's own page of
// images), stay out of the Gallery unless the artist keeps one, and are deleted a day after they were made.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodName } from '../../preload/contract';
import type { GalleryImage } from '../../preload/schemas/gallery';
import type { Studio } from '../../main/studio';
import { exclusiveServiceInput } from './support/sim-service-inputs';
import { startSimulator, type Simulator } from '../sim/index';
import { callStudio } from './support/studio-call';
import { nodeStudio } from './support/node-studio';
import { slowPreviewWorkflow } from '../sim/output-workflows';

const DAY_MS = 24 * 60 * 60_000;

let sim: Simulator;
let dir: string;
let studio: Studio;
let added: GalleryImage[];
let changed: GalleryImage[];
let live: { jobId: string; url: string }[];
let waiters: (() => void)[];

function open(offsetMs = 0): Studio {
  const opened = nodeStudio(dir, { clock: { now: () => Date.now() + offsetMs } });
  opened.events.subscribe((event, payload) => {
    if (event === 'gallery.live') live.push(payload as { jobId: string; url: string });
    else if (event === 'gallery.added' || event === 'gallery.changed') {
      (event === 'gallery.added' ? added : changed).push(...(payload as { images: GalleryImage[] }).images);
    } else return;
    for (const wake of waiters.splice(0)) wake();
  });
  return opened;
}

beforeEach(async () => {
  sim = await startSimulator({ stepMs: 25 });
  dir = mkdtempSync(join(tmpdir(), 'artlab-gallery-previews-'));
  added = [];
  changed = [];
  live = [];
  waiters = [];
  studio = open();
});
afterEach(async () => {
  await studio.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = <M extends MethodName>(method: M, input?: unknown) => callStudio(studio, method, input);

function until(test: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => (test() ? resolve() : void waiters.push(check));
    check();
  });
}

const workflow = (color: number) => ({
  '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color } },
  '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'kept' } },
  '4': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
});

async function runOnce(serviceId: string, color: number): Promise<GalleryImage[]> {
  const imported = await call('workflows.import', { name: `Invert ${color}`, json: JSON.stringify(workflow(color)) });
  const workflowId = imported.id;
  const batch = await call('batches.queue', { serviceId, workflowId, spec: {} });
  await until(() => added.filter((image) => image.batchId === batch.id).length >= 2);
  return added.filter((image) => image.batchId === batch.id);
}

describe('PreviewImage outputs', () => {
  it('show with their job, stay out of the Gallery until kept, and are deleted a day later unless kept', async () => {
    const service = await call('services.create', exclusiveServiceInput(sim.info));
    const first = await runOnce(service.id, 3_000_000);
    // Other bytes: a file two images share stays while either is kept.
    const second = await runOnce(service.id, 9_000_000);
    const previewOf = (images: GalleryImage[]) => images.find((image) => image.preview === true);
    const keptPreview = previewOf(first);
    const dropped = previewOf(second);
    expect(keptPreview).toMatchObject({
      state: 'fetched',
      filename: expect.stringMatching(/^ComfyUI_temp_/) as string,
    });
    expect(dropped?.state).toBe('fetched');
    expect(first.filter((image) => image.preview === undefined).map((image) => image.filename)).toEqual([
      expect.stringMatching(/^kept_/) as string,
    ]);

    // The Gallery lists the saved images only; the Queue asks for the batch with its previews.
    const gallery = await call('gallery.page', { filters: {} });
    expect(gallery.total).toBe(2);
    expect(gallery.images.some((image) => image.preview)).toBe(false);
    const withPreviews = await call('gallery.page', { filters: { batchId: first[0]?.batchId, previews: true } });
    expect(withPreviews.images.map((image) => image.preview ?? false).sort()).toEqual([false, true]);

    // Kept: it enters the Gallery (announced as added), as any other image.
    expect(await call('gallery.keep', { ids: [keptPreview?.id, keptPreview?.id] })).toEqual({ kept: 1 });
    await until(() => added.some((image) => image.id === keptPreview?.id && image.preview === undefined));
    expect((await call('gallery.page', { filters: {} })).total).toBe(3);
    expect(await call('gallery.keep', { ids: [keptPreview?.id] })).toEqual({ kept: 0 });

    // A day on, the app starts again: the preview not kept is deleted, its row says so; the kept one stays.
    const before = await studio.media(dropped?.id ?? -1, 'original');
    expect(before && existsSync(before.path)).toBe(true);
    await studio.close();
    studio = open(DAY_MS + 60_000);
    await until(() => changed.some((image) => image.id === dropped?.id && image.state === 'removed'));
    expect(existsSync(before?.path ?? '')).toBe(false);
    expect(await call('gallery.get', { id: dropped?.id })).toMatchObject({ state: 'removed', preview: true });
    expect(await call('gallery.get', { id: keptPreview?.id })).toMatchObject({ state: 'fetched' });
    expect((await call('gallery.page', { filters: {} })).total).toBe(3);
  });

  it('shows a preview on its job while the job still runs, then gives way to the job’s own images', async () => {
    const service = await call('services.create', exclusiveServiceInput(sim.info));
    // The preview node runs first; the sampler after it takes 20 steps.
    const slow = slowPreviewWorkflow({ steps: 20, color: 1_234_567 });
    const imported = await call('workflows.import', { name: 'Slow', json: JSON.stringify(slow) });
    const batch = await call('batches.queue', { serviceId: service.id, workflowId: imported.id, spec: {} });
    await until(() => live.length > 0);
    const [shown] = live;
    // Not finished: the sampler still has most of its steps to go.
    expect(['submitting', 'queued', 'running']).toContain((await call('jobs.get', { jobId: shown?.jobId })).state);
    const number = Number(/^media\/(\d+)\/live$/.exec(shown?.url ?? '')?.[1]);
    const file = await studio.media(number, 'live');
    expect(file).toMatchObject({ mime: 'image/png' });
    expect(existsSync(file?.path ?? '')).toBe(true);

    // The result brings the same picture as the job's own (not kept) image; the live copy goes.
    await until(() => added.filter((image) => image.batchId === batch.id).length >= 2);
    expect(added.filter((image) => image.batchId === batch.id).map((image) => image.preview ?? false)).toContain(true);
    await expect.poll(() => existsSync(file?.path ?? '')).toBe(false);
    expect(await studio.media(number, 'live')).toBeUndefined();
  });
});
