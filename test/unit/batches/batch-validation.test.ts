// A batch is checked against the service's node catalogue before it is stored: an unknown checkpoint or a value out
// of range refuses the whole batch, naming the node's title, the input and what is allowed; nothing reaches the ledger.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { queueBatch } from '../../../main/batches/batch-queueing';
import { seededRandomSource } from '../../../main/batches/seed-source';
import { catalogFromObjectInfo } from '../../../main/comfy/node-catalog';
import { starterWorkflow } from '../../../main/comfy/starter';
import { ValidationError } from '../../../main/errors';
import type { BatchSpecInput } from '../../../preload/schemas/jobs';
import { ledgerRig, type LedgerRig } from '../ledger/ledger-rig';

/** What a service's /object_info says of the starter's nodes (only the inputs these tests look at). */
const catalog = catalogFromObjectInfo({
  CheckpointLoaderSimple: {
    input: { required: { ckpt_name: [['v1-5-pruned-emaonly.safetensors', 'dreamshaper_8.safetensors']] } },
    output: ['MODEL', 'CLIP', 'VAE'],
  },
  KSampler: {
    input: {
      required: {
        seed: ['INT', { min: 0, max: 2 ** 50 }],
        steps: ['INT', { min: 1, max: 100 }],
        cfg: ['FLOAT', { min: 0, max: 30 }],
      },
    },
    output: ['LATENT'],
  },
  SaveImage: { input: { required: { filename_prefix: ['STRING', {}] } }, output: [], output_node: true },
});

let rig: LedgerRig;
beforeEach(() => {
  rig = ledgerRig();
});
afterEach(() => {
  rig.cleanup();
});

const queue = (spec: BatchSpecInput, seed = 1) =>
  queueBatch(
    rig.ledger,
    { serviceId: 'svc', workflow: starterWorkflow(), spec },
    { catalog, random: seededRandomSource(seed) },
  );

function refusal(work: () => unknown): ValidationError {
  try {
    work();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('validating a batch against the service catalogue', () => {
  it('queues a batch whose every value the service accepts', () => {
    const { jobIds } = queue({ prompts: 'a\nb', sweeps: [{ parameter: '3.steps', values: [10, 20] }] });
    expect(jobIds).toHaveLength(4);
  });

  it('refuses a checkpoint the service lacks, naming the node title, input and choices, and stores nothing', () => {
    const error = refusal(() =>
      queue({ sweeps: [{ parameter: '4.ckpt_name', values: ['v1-5-pruned-emaonly.safetensors', 'missing.ckpt'] }] }),
    );
    expect(error).toMatchObject({ node: '4', input: 'ckpt_name' });
    expect(error.message).toMatch(/^Job 2: Input "ckpt_name" of "Load Checkpoint" \(node 4\) is "missing.ckpt"/);
    expect(error.message).toMatch(/v1-5-pruned-emaonly.safetensors, dreamshaper_8.safetensors/);
    expect(rig.ledger.pageBatches(10)).toEqual([]);
  });

  it('refuses a value out of range, naming the bound', () => {
    const error = refusal(() => queue({ set: { '3.steps': 500 } }));
    expect(error).toMatchObject({ node: '3', input: 'steps' });
    expect(error.message).toMatch(/"KSampler" \(node 3\) is 500, above its maximum 100/);
  });

  it('draws random seeds within the bound the service gives the seed input, as ComfyUI randomizes', () => {
    // This catalogue caps the seed at 2^50, while ComfyUI's KSampler takes 64 bits.
    const { batch } = queue({ seeds: { mode: 'random' }, countPerPrompt: 50 });
    const seeds = rig.ledger
      .nextPending(batch.serviceId, 50)
      .map((job) => BigInt(z.string().parse(job.params['3.seed'])));
    expect(seeds).toHaveLength(50);
    expect(new Set(seeds).size).toBe(50);
    for (const seed of seeds) expect(seed <= 2n ** 50n).toBe(true);
  });

  it('refuses a chosen seed above the bound of the seed input', () => {
    const error = refusal(() => queue({ seeds: { mode: 'fixed', value: (2n ** 51n).toString() } }));
    expect(error).toMatchObject({ node: '3', input: 'seed' });
    expect(error.message).toMatch(/above its maximum 1125899906842624/);
  });
});
