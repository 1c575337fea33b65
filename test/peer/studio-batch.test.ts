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
import { comfyUrl, noiseWorkflow } from './support/peer-service';
import { nodeStudio } from '../integration/support/node-studio';

let dir: string;
let studio: Studio;
let added: GalleryImage[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-peer-studio-'));
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
  it('queues a batch of 3 seeds through the contract, and every job brings its own image to the gallery', async () => {
    const { batch, jobs } = await queueNoiseBatch({ mode: 'increment', start: '100' }, 3);
    expect(batch.total).toBe(3);
    expect(jobs.map((job) => job.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(jobs.map((job) => job.params['2.seed']).sort()).toEqual(['100', '101', '102']);
    const files = jobs.flatMap((job) =>
      job.results.flatMap((result) => result.outputs.map((output) => output.filename)),
    );
    expect(files).toHaveLength(3);
    expect(new Set(files).size).toBe(3);

    await expect.poll(() => added.filter((image) => image.batchId === batch.id).length, { timeout: 30_000 }).toBe(3);
    await expect
      .poll(async () => (await call('gallery.page', { filters: { batchId: batch.id } })).images.map((i) => i.state))
      .toEqual(['fetched', 'fetched', 'fetched']);
  });

  it('lets two identical jobs share the one file ComfyUI made: the cache re-ran nothing, both jobs succeed', async () => {
    const { batch, jobs } = await queueNoiseBatch({ mode: 'fixed', value: '5' }, 2);
    expect(jobs.map((job) => job.state)).toEqual(['succeeded', 'succeeded']);
    const files = jobs.map((job) => job.results.flatMap((result) => result.outputs.map((output) => output.filename)));
    expect(files[0]).toHaveLength(1);
    expect(files[1]).toEqual(files[0]);
    // One gallery entry per job, both fetched from the same file.
    await expect
      .poll(async () =>
        (await call('gallery.page', { filters: { batchId: batch.id } })).images.map((i) => [i.state, i.filename]),
      )
      .toEqual([
        ['fetched', files[0]?.[0]],
        ['fetched', files[0]?.[0]],
      ]);
  });
});
