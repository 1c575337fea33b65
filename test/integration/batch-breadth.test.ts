// Workflows beyond the starter, through the contract against a Studio and the simulator's Exclusive ComfyUI: a
// seedless workflow (EmptyImage → ImageInvert → SaveImage) queues and yields its images; a batch of identical jobs is
// refused before anything is stored; a batch the service's node catalogue refuses never reaches the ledger.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { finishedBatches } from './support/finished-batches';
import { nodeStudio } from './support/node-studio';
import { studioCalls } from './support/studio-call';

const SEEDLESS = JSON.stringify({
  '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 48, batch_size: 1, color: 0x3366cc } },
  '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'inverted' } },
});

let sim: Simulator;
let dir: string;
let studio: Studio;
let finishedBatch: (batchId: string) => Promise<void>;

beforeEach(async () => {
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'artlab-batch-breadth-'));
  studio = nodeStudio(dir);
  finishedBatch = finishedBatches(studio);
});
afterEach(async () => {
  await studio.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const { call, failure } = studioCalls(() => studio);

async function exclusiveService(): Promise<string> {
  return (await call('services.create', { name: 'sim', url: sim.info.exclusive.url, token: sim.info.exclusive.token }))
    .id;
}

async function outputsOf(batchId: string): Promise<string[]> {
  const page = await call('jobs.page', { filters: { batchId }, limit: 100 });
  const names: string[] = [];
  for (const job of page.jobs) {
    const detail = await call('jobs.get', { jobId: job.id });
    expect(detail.state).toBe('succeeded');
    for (const result of detail.results) for (const output of result.outputs) names.push(output.filename);
  }
  return names;
}

describe('a workflow without a seed input', () => {
  it('queues with the default random seeds and yields its image', async () => {
    const serviceId = await exclusiveService();
    const workflowId = (await call('workflows.import', { name: 'invert', json: SEEDLESS })).id;
    const spec = { seeds: { mode: 'random' }, countPerPrompt: 1 };
    const preview = await call('batches.preview', { workflowId, spec });
    expect(preview).toMatchObject({ total: 1, identicalRepeats: false, seedInputs: [] });
    expect(preview.jobs).toEqual([{ index: 0, prompt: null, seed: null, patch: {} }]);

    const batch = await call('batches.queue', { serviceId, workflowId, spec });
    expect(batch.total).toBe(1);
    await finishedBatch(batch.id);
    const names = await outputsOf(batch.id);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^inverted_.*\.png$/);
  });

  it('queues one new image per swept value', async () => {
    const serviceId = await exclusiveService();
    const workflowId = (await call('workflows.import', { name: 'invert', json: SEEDLESS })).id;
    const spec = { seeds: { mode: 'random' }, sweeps: [{ parameter: '1.color', values: [0, 0xffffff] }] };
    const batch = await call('batches.queue', { serviceId, workflowId, spec });
    await finishedBatch(batch.id);
    const names = await outputsOf(batch.id);
    expect(new Set(names).size).toBe(2);
  });

  it('refuses several identical jobs in the preview and when queued, storing nothing', async () => {
    const serviceId = await exclusiveService();
    const workflowId = (await call('workflows.import', { name: 'invert', json: SEEDLESS })).id;
    const spec = { seeds: { mode: 'random' }, countPerPrompt: 3 };
    const previewed = await failure('batches.preview', { workflowId, spec });
    expect(previewed.kind).toBe('validation');
    expect(previewed.message).toMatch(/no seed input, so all 3 jobs would send the same workflow/);
    expect((await failure('batches.queue', { serviceId, workflowId, spec })).message).toBe(previewed.message);
    expect(await call('batches.list', {})).toEqual([]);
  });
});

describe('validation against the service catalogue', () => {
  it('refuses a checkpoint the service lacks, naming the node, the input and the choices', async () => {
    const serviceId = await exclusiveService();
    const starter = (await call('workflows.list')).find((workflow) => workflow.source === 'starter');
    if (!starter) throw new Error('no starter');
    const spec = { seeds: { mode: 'random' }, set: { '4.ckpt_name': 'not-installed.safetensors' } };
    const refused = await failure('batches.queue', { serviceId, workflowId: starter.id, spec });
    expect(refused).toMatchObject({ kind: 'validation', node: '4', input: 'ckpt_name' });
    expect(refused.message).toMatch(/"Load Checkpoint" \(node 4\) is "not-installed.safetensors"/);
    expect(refused.message).toMatch(/Choose one of: v1-5-pruned-emaonly.safetensors/);
    expect(await call('batches.list', {})).toEqual([]);
    // The same batch with a checkpoint the service has is queued.
    const fine = { ...spec, set: { '4.ckpt_name': 'dreamshaper_8.safetensors' } };
    expect((await call('batches.queue', { serviceId, workflowId: starter.id, spec: fine })).total).toBe(1);
  });
});
