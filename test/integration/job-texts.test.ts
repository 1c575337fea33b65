// Text outputs through the Studio: a workflow whose node shows text (PreviewAny) finishes with that text kept on its
// job, on both editions; a page of jobs carries it cut short, jobs.get whole (as the service sent it, up to the cap).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_OUTPUT_TEXT_CHARS } from '../../main/comfy/outputs';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { finishedBatches } from './support/finished-batches';
import { nodeStudio } from './support/node-studio';
import { exclusiveServiceInput, queueServiceInput } from './support/sim-service-inputs';
import { studioCalls } from './support/studio-call';

let sim: Simulator;
let dir: string;
let studio: Studio;
let finishedBatch: (batchId: string) => Promise<void>;

beforeEach(async () => {
  sim = await startSimulator({ stepMs: 2 });
  dir = mkdtempSync(join(tmpdir(), 'artlab-job-texts-'));
  studio = nodeStudio(dir);
  finishedBatch = finishedBatches(studio);
});
afterEach(async () => {
  await studio.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const { call } = studioCalls(() => studio);

const caption = (value: string) => ({
  '1': { class_type: 'PrimitiveString', inputs: { value } },
  '2': { class_type: 'PreviewAny', inputs: { source: ['1', 0] } },
});

async function finished(batchId: string) {
  await finishedBatch(batchId);
  return call('batches.get', { batchId });
}

describe('text outputs', () => {
  it('keeps what a PreviewAny node showed on its job, on either edition', async () => {
    const exclusive = await call('services.create', exclusiveServiceInput(sim.info));
    const queue = await call('services.create', queueServiceInput(sim.info));
    const words = 'a lighthouse on a cliff, 夕暮れ, storm\nsecond line';
    const workflow = await call('workflows.import', { name: 'Caption', json: JSON.stringify(caption(words)) });
    for (const service of [exclusive, queue]) {
      const batch = await call('batches.queue', { serviceId: service.id, workflowId: workflow.id, spec: {} });
      const done = await finished(batch.id);
      expect(done.counts).toMatchObject({ succeeded: 1, failed: 0 });
      const [job] = (await call('jobs.page', { filters: { batchId: batch.id } })).jobs;
      expect(job?.texts).toEqual([words]);
    }
  });

  it('cuts a huge text: a page of jobs carries 2,000 characters, the job itself the capped whole', async () => {
    const service = await call('services.create', exclusiveServiceInput(sim.info));
    const huge = 'x'.repeat(MAX_OUTPUT_TEXT_CHARS + 5_000);
    const workflow = await call('workflows.import', { name: 'Huge', json: JSON.stringify(caption(huge)) });
    const batch = await call('batches.queue', { serviceId: service.id, workflowId: workflow.id, spec: {} });
    expect((await finished(batch.id)).counts.succeeded).toBe(1);
    const [job] = (await call('jobs.page', { filters: { batchId: batch.id } })).jobs;
    expect(job?.texts?.[0]).toHaveLength(2_000);
    const whole = await call('jobs.get', { jobId: job?.id });
    expect(whole.texts?.[0]).toHaveLength(MAX_OUTPUT_TEXT_CHARS);
    expect(whole.texts?.[0]?.endsWith('…')).toBe(true);
  });
});
