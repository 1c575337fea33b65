// Seeds as ComfyUI treats them: any workflow runs (a seedless one has no seed axis), the spec names which seed input
// takes the seeds, a batch whose jobs are all the same workflow is refused (ComfyUI would answer from its cache), and
// repeats that share a seed are flagged for the preview.
import { describe, expect, it } from 'vitest';
import { inspectBatch, planJobs, previewJobs } from '../../../main/batches/batch-expansion';
import { seededRandomSource } from '../../../main/batches/seed-source';
import { parseRunFlags } from '../../../main/cli/run-flags';
import { findParameters } from '../../../main/comfy/parameters';
import { starterWorkflow } from '../../../main/comfy/starter';
import type { ApiWorkflow } from '../../../main/comfy/workflow-types';
import { ValidationError } from '../../../main/errors';
import type { BatchSpecInput } from '../../../preload/schemas/jobs';

const seedless: ApiWorkflow = {
  '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 0 } },
  '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'inverted' } },
};

/** A base pass, a refiner pass and a custom node with its own seed-like integer. */
function severalSeeds(): ApiWorkflow {
  const workflow = starterWorkflow();
  workflow['10'] = {
    class_type: 'KSamplerAdvanced',
    _meta: { title: 'Refiner' },
    inputs: {
      noise_seed: 5,
      steps: 20,
      model: ['4', 0],
      positive: ['6', 0],
      negative: ['7', 0],
      latent_image: ['3', 0],
    },
  };
  workflow['11'] = {
    class_type: 'WildcardProcessor',
    _meta: { title: 'Wildcards' },
    inputs: { text: '__animal__', rand_seed: 9, seed_mode: 'fixed' },
  };
  return workflow;
}

const plans = (workflow: ApiWorkflow, spec: BatchSpecInput) => [
  ...planJobs(workflow, spec, { random: seededRandomSource(4) }),
];
const cli = (...args: string[]) =>
  parseRunFlags(['wf.json', '--url', 'http://127.0.0.1:8188/', ...args], {}, () => '').spec;

function refusal(work: () => unknown): ValidationError {
  try {
    work();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('a workflow without a seed input', () => {
  it('runs with the default random seeds, with no seed axis', () => {
    const jobs = plans(seedless, cli('--count', '1'));
    expect(jobs).toEqual([{ index: 0, prompt: null, seed: null, patch: {} }]);
    expect(inspectBatch(seedless, cli())).toEqual({ total: 1, identicalRepeats: false, seedInputs: [] });
  });

  it('refuses seeds chosen on purpose, in words that suit any caller', () => {
    const error = refusal(() => plans(seedless, cli('--seeds', '42')));
    expect(error.message).toMatch(/no seed input/);
    expect(error.message).not.toMatch(/batch settings|form|--/);
  });

  it('refuses several jobs that would all be the same workflow', () => {
    const error = refusal(() => plans(seedless, cli('--count', '3')));
    expect(error.message).toMatch(/no seed input, so all 3 jobs would send the same workflow/);
    expect(error.message).toMatch(/cache/);
  });

  it('runs several jobs when a sweep varies them', () => {
    const jobs = plans(seedless, { seeds: { mode: 'random' }, sweeps: [{ parameter: '1.color', values: [0, 255] }] });
    expect(jobs.map((job) => job.patch)).toEqual([{ '1.color': 0 }, { '1.color': 255 }]);
  });
});

describe('an empty workflow', () => {
  it('says that it has no nodes', () => {
    const error = refusal(() => plans({}, cli()));
    expect(error.message).toMatch(/^This workflow has no nodes\./);
    expect(error.message).not.toMatch(/batch settings/);
  });
});

describe('several seed inputs', () => {
  it('finds a custom node seed-like integer, not its seed_mode text', () => {
    const kinds = Object.fromEntries(findParameters(severalSeeds()).map((p) => [p.id, p.kind]));
    expect(kinds).toMatchObject({ '3.seed': 'seed', '10.noise_seed': 'seed', '11.rand_seed': 'seed' });
    expect(kinds['11.seed_mode']).toBe('other');
  });

  it('fills every seed input by default', () => {
    const [job] = plans(severalSeeds(), { seeds: { mode: 'fixed', value: 7 } });
    expect(job?.patch).toEqual({ '3.seed': '7', '10.noise_seed': '7', '11.rand_seed': '7' });
  });

  it('fills only the input the spec names, and none with an empty list', () => {
    const named = plans(severalSeeds(), {
      seeds: { mode: 'increment', start: 1 },
      targets: { seed: ['10.noise_seed'] },
    });
    expect(named[0]?.patch).toEqual({ '10.noise_seed': '1' });
    expect(inspectBatch(severalSeeds(), { seeds: { mode: 'random' }, targets: { seed: [] } }).seedInputs).toEqual([]);
    expect(plans(severalSeeds(), { seeds: { mode: 'random' }, targets: { seed: [] } })[0]?.patch).toEqual({});
    expect(() => plans(severalSeeds(), { seeds: { mode: 'random' }, targets: { seed: ['3.nope'] } })).toThrow(
      /"3.nope"/,
    );
  });

  it('names a seed input from the command line', () => {
    expect(cli('--seed-input', '10.noise_seed').targets).toEqual({ seed: ['10.noise_seed'] });
    expect(cli('--seed-input', 'none').targets).toEqual({ seed: [] });
    expect(() => cli('--seed-input', 'noise_seed')).toThrow(/<node>\.<input>/);
  });
});

describe('repeats and fixed seeds', () => {
  const workflow = starterWorkflow();

  it('refuses a fixed seed repeated when nothing else varies', () => {
    const error = refusal(() => plans(workflow, { seeds: { mode: 'fixed', value: 1 }, countPerPrompt: 2 }));
    expect(error.message).toMatch(/All 2 jobs would send the same workflow/);
  });

  it('flags repeats of a fixed seed when the prompts still vary', () => {
    const spec: BatchSpecInput = { prompts: 'a\nb', seeds: { mode: 'fixed', value: 1 }, countPerPrompt: 2 };
    expect(inspectBatch(workflow, spec)).toEqual({ total: 4, identicalRepeats: true, seedInputs: ['3.seed'] });
    const random = { ...spec, seeds: { mode: 'random' as const } };
    expect(inspectBatch(workflow, random).identicalRepeats).toBe(false);
    expect(new Set(previewJobs(workflow, random, 4).map((job) => job.seed)).size).toBe(4);
  });

  it('refuses a seed list whose seeds are all the same', () => {
    expect(() => plans(workflow, { seeds: { mode: 'list', values: ['5', 5] } })).toThrow(/same workflow/);
  });
});

describe('--set on the seed input', () => {
  const workflow = starterWorkflow();

  it('fixes the seed instead of being overridden by the default random seeds', () => {
    const [job] = plans(workflow, cli('--set', '3.seed=42'));
    expect(job?.patch['3.seed']).toBe(42);
    expect(job?.seed).toBeNull();
  });

  it('is refused beside --seeds, naming the input', () => {
    const error = refusal(() => plans(workflow, cli('--set', '3.seed=42', '--seeds', '7')));
    expect(error.message).toMatch(/"3.seed" is given a value and is also filled by the seed plan/);
    expect(error).toMatchObject({ node: '3', input: 'seed' });
  });

  it('repeated with nothing else varying is refused like any fixed seed', () => {
    expect(() => plans(workflow, cli('--set', '3.seed=42', '--count', '2'))).toThrow(/same workflow/);
  });
});
