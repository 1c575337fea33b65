import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { starterWorkflow } from '../../../main/comfy/starter';
import { ValidationError } from '../../../main/errors';
import { batchLabel, queueBatch } from '../../../main/batches/batch-queueing';
import { seededRandomSource } from '../../../main/batches/seed-source';
import { ledgerRig, type LedgerRig } from '../ledger/ledger-rig';

let rig: LedgerRig;
beforeEach(() => {
  rig = ledgerRig();
});
afterEach(() => {
  rig.cleanup();
});

describe('queueing a batch from the builder', () => {
  it('stores one pending job per expansion, with the seed it drew, sent exactly as stored', () => {
    const { batch, jobIds } = queueBatch(
      rig.ledger,
      {
        serviceId: 'svc-a',
        workflow: starterWorkflow(),
        spec: { prompts: 'a red fox\na blue whale', countPerPrompt: 3, seeds: { mode: 'random' } },
      },
      { random: seededRandomSource(11) },
    );
    expect(batch).toMatchObject({ total: 6, label: 'a red fox (+1 more prompts)' });
    expect(jobIds).toHaveLength(6);
    const [job] = rig.ledger.nextPending('svc-a', 1);
    const seed = job?.params['3.seed'];
    expect(typeof seed).toBe('string');
    expect(BigInt(job?.workflow['3']?.inputs.seed as number | bigint)).toBe(BigInt(seed as string));
    expect(rig.ledger.getBatch(batch.id)?.spec).toMatchObject({ countPerPrompt: 3 });
  });

  it('stores nothing when the spec is wrong', () => {
    const spec = { sweeps: [{ parameter: '3.nope', values: [1] }] };
    expect(() => queueBatch(rig.ledger, { serviceId: 'svc-a', workflow: starterWorkflow(), spec })).toThrow(
      ValidationError,
    );
    expect(rig.ledger.pageBatches(10)).toEqual([]);
  });

  it('labels a batch by its first prompt, shortened, or as the workflow', () => {
    expect(batchLabel([null])).toBe('Workflow');
    expect(batchLabel([null], 'Upscale photos')).toBe('Upscale photos');
    expect(batchLabel(['x'.repeat(100)])).toHaveLength(60);
    expect(batchLabel(['a', 'a', 'b'])).toBe('a (+1 more prompts)');
  });
});
