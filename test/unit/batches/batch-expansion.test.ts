import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { starterWorkflow } from '../../../main/comfy/starter';
import { ValidationError } from '../../../main/errors';
import { countJobs, expandBatch, inspectBatch, planJobs, previewJobs } from '../../../main/batches/batch-expansion';
import type { BatchSpecInput as BatchSpec } from '../../../preload/schemas/jobs';
import { MAX_SEED, seededRandomSource } from '../../../main/batches/seed-source';

const workflow = starterWorkflow();

function plans(spec: BatchSpec, seed = 1): ReturnType<typeof previewJobs> {
  return [...planJobs(workflow, spec, { random: seededRandomSource(seed) })];
}

describe('batch expansion: prompts', () => {
  it('makes one job per non-blank line, in order, filling the positive prompt only', () => {
    const jobs = expandBatch(workflow, { prompts: 'a red fox\n\n  \r\na blue whale\n' });
    expect(jobs.map((job) => job.prompt)).toEqual(['a red fox', 'a blue whale']);
    expect(jobs[1]?.workflow['6']?.inputs.text).toBe('a blue whale');
    expect(jobs[1]?.workflow['7']?.inputs.text).toBe('text, watermark');
    expect(workflow['6']?.inputs.text).toContain('galaxy bottle');
  });

  it('takes a list as well as text, and keeps the workflow prompt when none is given', () => {
    expect(plans({ prompts: ['one', ' ', 'two'] }).map((job) => job.prompt)).toEqual(['one', 'two']);
    const [own] = plans({});
    expect(own).toEqual({ index: 0, prompt: null, seed: null, patch: {} });
  });

  it('refuses an empty prompt list', () => {
    expect(() => countJobs({ prompts: '\n \n' })).toThrow(/prompt list is empty/);
    expect(() => countJobs({ prompts: [] })).toThrow(ValidationError);
  });

  it('sets the shared negative prompt on every job', () => {
    const jobs = expandBatch(workflow, { prompts: 'a\nb', negative: 'blurry' });
    expect(jobs.map((job) => job.workflow['7']?.inputs.text)).toEqual(['blurry', 'blurry']);
  });

  it('repeats each prompt countPerPrompt times, prompt by prompt', () => {
    const jobs = plans({ prompts: 'a\nb', countPerPrompt: 3 });
    expect(jobs.map((job) => job.prompt)).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    expect(jobs.map((job) => job.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('batch expansion: seeds', () => {
  it('gives every job the fixed seed', () => {
    const jobs = expandBatch(workflow, { prompts: 'a\nb', seeds: { mode: 'fixed', value: 42 } });
    expect(jobs.map((job) => job.workflow['3']?.inputs.seed)).toEqual([42, 42]);
  });

  it('increments the seed by one per job across the whole batch', () => {
    const jobs = plans({ prompts: 'a\nb', countPerPrompt: 2, seeds: { mode: 'increment', start: '100' } });
    expect(jobs.map((job) => job.seed)).toEqual(['100', '101', '102', '103']);
  });

  it('keeps seeds beyond 2^53 exact and wraps an increment past the maximum to 0', () => {
    const start = (MAX_SEED - 1n).toString();
    const jobs = expandBatch(workflow, { countPerPrompt: 3, seeds: { mode: 'increment', start } });
    expect(jobs.map((job) => job.workflow['3']?.inputs.seed)).toEqual([MAX_SEED - 1n, MAX_SEED, 0]);
    const big = expandBatch(workflow, { seeds: { mode: 'fixed', value: '9007199254740993' } });
    expect(big[0]?.workflow['3']?.inputs.seed).toBe(9007199254740993n);
  });

  it('refuses a seed outside ComfyUI range or not a whole number', () => {
    expect(() => plans({ seeds: { mode: 'fixed', value: (MAX_SEED + 1n).toString() } })).toThrow(/outside/);
    expect(() => plans({ seeds: { mode: 'fixed', value: '-1' } })).toThrow(ValidationError);
    expect(() => plans({ seeds: { mode: 'list', values: ['1', '1.5'] } })).toThrow(/Seed 2 of the list/);
  });

  it('runs every prompt with each listed seed', () => {
    const jobs = plans({ prompts: 'a\nb', seeds: { mode: 'list', values: ['7', 8] } });
    expect(jobs.map((job) => `${job.prompt}:${job.seed}`)).toEqual(['a:7', 'a:8', 'b:7', 'b:8']);
    expect(() => countJobs({ seeds: { mode: 'list', values: [] } })).toThrow(/seed list is empty/);
  });

  it('draws random seeds reproducibly from a seeded source, within range, as decimal text', () => {
    const spec: BatchSpec = { prompts: 'a\nb\nc', countPerPrompt: 4, seeds: { mode: 'random' } };
    const first = plans(spec, 7).map((job) => job.seed);
    expect(plans(spec, 7).map((job) => job.seed)).toEqual(first);
    expect(plans(spec, 8).map((job) => job.seed)).not.toEqual(first);
    expect(new Set(first).size).toBe(12);
    for (const seed of first) {
      expect(seed).toMatch(/^\d+$/);
      expect(BigInt(seed ?? '-1')).toBeLessThanOrEqual(MAX_SEED);
    }
    expect(first.some((seed) => BigInt(seed ?? 0) > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
  });
});

describe('batch expansion: sweeps', () => {
  it('combines sweeps as a product, the first sweep varying slowest', () => {
    const jobs = plans({
      sweeps: [
        { parameter: '3.cfg', values: [4, 8] },
        { parameter: '3.sampler_name', values: ['euler', 'dpmpp_2m', 'ddim'] },
      ],
    });
    expect(jobs.map((job) => `${job.patch['3.cfg']}/${job.patch['3.sampler_name']}`)).toEqual([
      '4/euler',
      '4/dpmpp_2m',
      '4/ddim',
      '8/euler',
      '8/dpmpp_2m',
      '8/ddim',
    ]);
  });

  it('zips sweeps of equal length and refuses zipped sweeps of different lengths', () => {
    const jobs = plans({
      combine: 'zip',
      sweeps: [
        { parameter: '5.width', values: [512, 768] },
        { parameter: '5.height', values: [768, 512] },
      ],
    });
    expect(jobs.map((job) => [job.patch['5.width'], job.patch['5.height']])).toEqual([
      [512, 768],
      [768, 512],
    ]);
    const uneven: BatchSpec = {
      combine: 'zip',
      sweeps: [
        { parameter: '5.width', values: [512, 768] },
        { parameter: '3.steps', range: { start: 10, stop: 30, step: 10 } },
      ],
    };
    expect(() => countJobs(uneven)).toThrow(/"5.width" has 2, "3.steps" has 3/);
  });

  it('sweeps a numeric range inclusively, with the precision the artist wrote', () => {
    const jobs = expandBatch(workflow, {
      sweeps: [{ parameter: '3.cfg', range: { start: 0.1, stop: 0.5, step: 0.1 } }],
    });
    expect(jobs.map((job) => job.workflow['3']?.inputs.cfg)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    const down = plans({ sweeps: [{ parameter: '3.steps', range: { start: 30, stop: 10, step: -10 } }] });
    expect(down.map((job) => job.patch['3.steps'])).toEqual([30, 20, 10]);
  });

  it('refuses a range with step 0 or a step that walks away from stop', () => {
    expect(() => countJobs({ sweeps: [{ parameter: '3.cfg', range: { start: 1, stop: 5, step: 0 } }] })).toThrow(
      /step of 0/,
    );
    expect(() => countJobs({ sweeps: [{ parameter: '3.cfg', range: { start: 5, stop: 1, step: 1 } }] })).toThrow(
      /step of -1/,
    );
  });

  it('refuses an unknown or linked parameter id, naming it', () => {
    const unknown = (): unknown => plans({ sweeps: [{ parameter: '3.nope', values: [1] }] });
    expect(unknown).toThrow(/"3.nope"/);
    try {
      unknown();
    } catch (error) {
      expect(error).toMatchObject({ node: '3', input: 'nope' });
    }
    expect(() => plans({ sweeps: [{ parameter: '3.model', values: [1] }] })).toThrow(ValidationError);
    expect(() => plans({ set: { '99.seed': 1 } })).toThrow(/"99.seed"/);
  });

  it('refuses a value of the wrong type before producing any job', () => {
    expect(() => previewJobs(workflow, { sweeps: [{ parameter: '3.steps', values: [20, 'many'] }] }, 1)).toThrow(
      /expects a number/,
    );
  });

  it('refuses a sweep over an input the prompts or seeds already fill', () => {
    expect(() => plans({ prompts: 'a', sweeps: [{ parameter: '6.text', values: ['x'] }] })).toThrow(/both swept/);
  });

  it('applies fixed values from the form beside the seeds', () => {
    const [job] = expandBatch(workflow, { set: { '3.steps': 12 }, seeds: { mode: 'fixed', value: 5 } });
    expect(job?.workflow['3']?.inputs).toMatchObject({ steps: 12, seed: 5 });
  });
});

describe('batch expansion: counting and preview', () => {
  it('previews the first n jobs exactly as the full expansion makes them', () => {
    const spec: BatchSpec = { prompts: 'a\nb\nc', seeds: { mode: 'random' }, countPerPrompt: 5 };
    const all = plans(spec, 3);
    expect(previewJobs(workflow, spec, 4, { random: seededRandomSource(3) })).toEqual(all.slice(0, 4));
    expect(previewJobs(workflow, spec, 0)).toEqual([]);
  });

  it('counts 20 prompts x 3 steps x 2 samplers x 2 repeats = 240 without expanding', () => {
    const spec: BatchSpec = {
      prompts: Array.from({ length: 20 }, (_, i) => `prompt ${i}`),
      countPerPrompt: 2,
      sweeps: [
        { parameter: '3.steps', range: { start: 10, stop: 30, step: 10 } },
        { parameter: '3.sampler_name', values: ['euler', 'ddim'] },
      ],
    };
    expect(countJobs(spec)).toBe(240);
  });

  it('refuses a batch over the hard limit before building it', () => {
    const spec: BatchSpec = { countPerPrompt: 200_000 };
    expect(countJobs(spec)).toBe(200_000);
    expect(() => previewJobs(workflow, spec, 1)).toThrow(/at most 100000/);
    expect(() => previewJobs(workflow, spec, 1)).toThrow(
      expect.objectContaining({ code: 'batch-too-large', params: { total: 200_000, max: 100_000 } }) as Error,
    );
  });

  it('counts exactly as many jobs as it expands, for any spec (property)', () => {
    const value = fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constantFrom('10', '20'));
    const sweep = fc.oneof(
      fc.record({ parameter: fc.constant('3.steps'), values: fc.array(value, { minLength: 1, maxLength: 4 }) }),
      fc.record({
        parameter: fc.constant('3.cfg'),
        range: fc
          .record({
            start: fc.integer({ min: 1, max: 10 }),
            n: fc.integer({ min: 0, max: 4 }),
            step: fc.constantFrom(0.5, 1),
          })
          .map(({ start, n, step }) => ({ start, stop: start + n * step, step })),
      }),
    );
    const spec = fc.record(
      {
        prompts: fc.array(fc.string({ minLength: 0, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        countPerPrompt: fc.integer({ min: 1, max: 3 }),
        seeds: fc.oneof(
          fc.constant({ mode: 'random' as const }),
          fc.record({
            mode: fc.constant('increment' as const),
            start: fc.bigInt({ min: 0n, max: MAX_SEED }).map(String),
          }),
          fc.record({
            mode: fc.constant('list' as const),
            values: fc.array(fc.bigInt({ min: 0n, max: MAX_SEED }).map(String), { minLength: 1, maxLength: 3 }),
          }),
        ),
        sweeps: fc.uniqueArray(sweep, { maxLength: 2, selector: (s) => s.parameter }),
        combine: fc.constantFrom('product' as const, 'zip' as const),
      },
      { requiredKeys: ['countPerPrompt', 'seeds', 'sweeps', 'combine'] },
    );
    fc.assert(
      fc.property(spec, (s) => {
        let expected: number;
        try {
          expected = countJobs(s);
          inspectBatch(workflow, s);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect(() => plans(s)).toThrow(ValidationError);
          return;
        }
        const jobs = plans(s);
        expect(jobs).toHaveLength(expected);
        expect(jobs.map((job) => job.index)).toEqual(jobs.map((_, i) => i));
      }),
      { numRuns: 200 },
    );
  });
});
