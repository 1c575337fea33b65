import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/errors';
import { starterWorkflow } from '../../../main/comfy/starter';
import { parseWorkflow, serializeWorkflow } from '../../../main/comfy/workflow-parse';
import { patchWorkflow } from '../../../main/comfy/workflow-patch';
import { thrown } from './support';

describe('patchWorkflow', () => {
  it('returns a new workflow with the values set and leaves the original alone', () => {
    const original = starterWorkflow();
    const before = structuredClone(original);
    const patched = patchWorkflow(original, { '6.text': 'a red fox', '3.seed': 42, '5.width': 768 });
    expect(patched['6']?.inputs.text).toBe('a red fox');
    expect(patched['3']?.inputs.seed).toBe(42);
    expect(patched['5']?.inputs.width).toBe(768);
    expect(original).toEqual(before);
  });

  it('keeps seed 18446744073709551615 exact through parse → patch → serialise', () => {
    const patched = patchWorkflow(starterWorkflow(), { '3.seed': 18446744073709551615n });
    const text = serializeWorkflow(patched);
    expect(text).toContain('"seed":18446744073709551615,');
    expect(parseWorkflow(text)['3']?.inputs.seed).toBe(18446744073709551615n);
  });

  it('carries a big seed read from a file through a patch of other inputs untouched', () => {
    const text = serializeWorkflow(starterWorkflow()).replace('"seed":156680208700286', '"seed":18446744073709551615');
    const out = serializeWorkflow(patchWorkflow(parseWorkflow(text), { '3.steps': 30 }));
    expect(out).toBe(text.replace('"steps":20', '"steps":30'));
  });

  it('takes a big seed as decimal text, as it arrives over IPC, and stores it exactly', () => {
    const patched = patchWorkflow(starterWorkflow(), { '3.seed': '18446744073709551615', '3.cfg': '7.5' });
    expect(patched['3']?.inputs.seed).toBe(18446744073709551615n);
    expect(patched['3']?.inputs.cfg).toBe(7.5);
  });

  it('stores a bigint that fits in a number as a number', () => {
    expect(patchWorkflow(starterWorkflow(), { '3.steps': 30n })['3']?.inputs.steps).toBe(30);
  });

  it('round-trips any 64-bit seed exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 18446744073709551615n }), (seed) => {
        const text = serializeWorkflow(patchWorkflow(starterWorkflow(), { '3.seed': seed.toString() }));
        const back = parseWorkflow(text)['3']?.inputs.seed;
        expect(typeof back === 'number' || typeof back === 'bigint' ? BigInt(back) : back).toBe(seed);
        expect(text).toContain(`"seed":${seed.toString()},`);
      }),
    );
  });

  it('refuses an id that names no input', () => {
    const error = thrown(() => patchWorkflow(starterWorkflow(), { '3.sead': 1 }));
    expect(error.message).toContain('There is no parameter "3.sead"');
    expect(error.node).toBe('3');
    expect(thrown(() => patchWorkflow(starterWorkflow(), { '42.seed': 1 })).node).toBeUndefined();
    expect(() => patchWorkflow(starterWorkflow(), { seed: 1 })).toThrow(ValidationError);
  });

  it('refuses to overwrite a link', () => {
    const error = thrown(() => patchWorkflow(starterWorkflow('zh-CN'), { '3.model': 'x' }));
    expect(error.node).toBe('3');
    expect(error.input).toBe('model');
    expect(error.message).toBe(
      'Cannot set input "model" of "K采样器" (node 3): it is linked to node 4, which gives its value. Change it there, or disconnect it in ComfyUI.',
    );
  });

  it('refuses a value of the wrong type', () => {
    expect(thrown(() => patchWorkflow(starterWorkflow(), { '3.steps': 'many' })).message).toContain('expects a number');
    expect(thrown(() => patchWorkflow(starterWorkflow(), { '6.text': 3 })).message).toContain('expects text');
    expect(thrown(() => patchWorkflow(starterWorkflow(), { '3.cfg': Number.NaN })).input).toBe('cfg');
  });

  it('finds the input when a node id itself contains a dot', () => {
    const workflow = parseWorkflow({ 'a.b': { class_type: 'SaveImage', inputs: { filename_prefix: 'x' } } });
    expect(patchWorkflow(workflow, { 'a.b.filename_prefix': 'y' })['a.b']?.inputs.filename_prefix).toBe('y');
  });
});
