// The whole Studio against a real ComfyUI: a service saved through the contract, a model-free workflow imported, a
// batch queued through the batch handlers, its jobs run and their images fetched into the gallery.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodName } from '../../preload/contract';
import type { GalleryImage } from '../../preload/schemas/gallery';
import { serializeWorkflow } from '../../main/comfy/workflow-parse';
import type { Studio } from '../../main/studio';
import { callStudio } from '../integration/support/studio-call';
import { comfyUrl, noiseWorkflow, previewWorkflow, slowWorkflow } from './support/peer-service';
import { nodeStudio } from '../integration/support/node-studio';

let dir: string;
let studio: Studio;
let added: GalleryImage[];
let live: { jobId: string; url: string }[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-peer-studio-'));
  added = [];
  live = [];
  studio = nodeStudio(dir);
  studio.events.subscribe((event, payload) => {
    if (event === 'gallery.added') added.push(...(payload as { images: GalleryImage[] }).images);
    if (event === 'gallery.live') live.push(payload as { jobId: string; url: string });
  });
});
afterEach(async () => {
  await studio.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = <M extends MethodName>(method: M, input?: unknown) => callStudio(studio, method, input);

async function queueNoiseBatch(seeds: unknown, countPerPrompt: number) {
  // A local ComfyUI: no token, the Exclusive edition.
  const service = await call('services.create', { name: 'peer', url: comfyUrl(), edition: 'exclusive', token: null });
  const workflow = await call('workflows.import', { name: 'grain', json: serializeWorkflow(noiseWorkflow()) });
  const batch = await call('batches.queue', {
    serviceId: service.id,
    workflowId: workflow.id,
    spec: { seeds, countPerPrompt },
  });
  await expect
    .poll(async () => (await call('batches.get', { batchId: batch.id })).finished, { timeout: 60_000 })
    .toBe(true);
  const page = await call('jobs.page', { filters: { batchId: batch.id }, limit: 10 });
  const jobs = await Promise.all(page.jobs.map((job) => call('jobs.get', { jobId: job.id })));
  return { batch, jobs };
}

describe('the Studio on a real ComfyUI', () => {
  it('queues a batch of 5 seeds through the contract, and every job brings its own distinct image to the gallery', async () => {
    const { batch, jobs } = await queueNoiseBatch({ mode: 'increment', start: '100' }, 5);
    expect(batch.total).toBe(5);
    expect(jobs.map((job) => job.state)).toEqual(Array(5).fill('succeeded'));
    expect(jobs.map((job) => job.params['2.seed']).sort()).toEqual(['100', '101', '102', '103', '104']);
    const files = jobs.flatMap((job) =>
      job.results.flatMap((result) => result.outputs.map((output) => output.filename)),
    );
    expect(files).toHaveLength(5);
    expect(new Set(files).size).toBe(5);

    await expect.poll(() => added.filter((image) => image.batchId === batch.id).length, { timeout: 30_000 }).toBe(5);
    await expect
      .poll(async () => (await call('gallery.page', { filters: { batchId: batch.id } })).images.map((i) => i.state))
      .toEqual(Array(5).fill('fetched'));
    // Five seeds, five different pictures: no two files have the same bytes.
    const shas = await Promise.all(
      added
        .filter((image) => image.batchId === batch.id)
        .map(async (image) => (await call('gallery.get', { id: image.id })).sha256),
    );
    expect(new Set(shas).size).toBe(5);
  });

  it('fetches a PreviewImage file from the temp folder for its job, and keeps it out of the Gallery until kept', async () => {
    const service = await call('services.create', { name: 'peer', url: comfyUrl(), edition: 'exclusive', token: null });
    const workflow = await call('workflows.import', { name: 'peek', json: serializeWorkflow(previewWorkflow()) });
    const batch = await call('batches.queue', { serviceId: service.id, workflowId: workflow.id, spec: {} });
    await expect.poll(() => added.filter((image) => image.batchId === batch.id).length, { timeout: 60_000 }).toBe(1);
    const [preview] = added.filter((image) => image.batchId === batch.id);
    expect(preview).toMatchObject({ state: 'fetched', preview: true, media: 'image' });
    expect((await call('gallery.page', { filters: { batchId: batch.id } })).total).toBe(0);
    expect((await call('gallery.page', { filters: { batchId: batch.id, previews: true } })).total).toBe(1);
    await call('gallery.keep', { ids: [preview?.id] });
    expect((await call('gallery.page', { filters: { batchId: batch.id } })).images).toMatchObject([
      { id: preview?.id, state: 'fetched' },
    ]);
  });

  it('shows what a PreviewImage node showed while the rest of the prompt still runs', async () => {
    const service = await call('services.create', { name: 'peer', url: comfyUrl(), edition: 'exclusive', token: null });
    // ComfyUI runs an output node as soon as it can: the preview comes before the seconds of noise.
    const workflow = { ...slowWorkflow(), '900': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } } };
    const imported = await call('workflows.import', { name: 'slow peek', json: serializeWorkflow(workflow) });
    const batch = await call('batches.queue', { serviceId: service.id, workflowId: imported.id, spec: {} });
    await expect.poll(() => live.length, { timeout: 60_000 }).toBeGreaterThan(0);
    const [shown] = live;
    expect((await call('jobs.get', { jobId: shown?.jobId })).state).not.toBe('succeeded');
    const number = Number(/\/(\d+)\/live$/.exec(shown?.url ?? '')?.[1]);
    expect(await studio.media(number, 'live')).toMatchObject({ mime: 'image/png' });
    await expect
      .poll(async () => (await call('batches.get', { batchId: batch.id })).finished, { timeout: 60_000 })
      .toBe(true);
    await expect.poll(() => studio.media(number, 'live')).toBeUndefined();
  });

  it('refuses two identical jobs before sending anything: ComfyUI would answer the second from its cache', async () => {
    await expect(queueNoiseBatch({ mode: 'fixed', value: '5' }, 2)).rejects.toThrow(/same workflow.*cache/);
    const batches = await call('batches.list', {});
    expect(batches).toEqual([]);
  });
});
