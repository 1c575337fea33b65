// The Compose draft's seeds, as ComfyUI's control_after_generate: the workflow's seed for one image, random seeds once
// a prompt makes several (until the artist picks a mode), and a chosen seed input (or none) in the spec.
import { describe, expect, it } from 'vitest';
import type { WorkflowDetailDto } from '../../../preload/schemas/jobs';
import {
  SEED_INPUT_ALL,
  SEED_INPUT_NONE,
  builderOwns,
  draftFromDetail,
  specFromDraft,
  withCount,
} from '../../../renderer/pages/compose/compose-draft';

const field = (id: string, kind: string, value: string | number, control: string) => {
  const [node = '', input = ''] = id.split('.');
  return { id, node, input, kind, label: kind, nodeTitle: `Node ${node}`, classType: 'X', value, control };
};

const detail = (...seeds: string[]) =>
  ({
    id: 'wf',
    name: 'Two passes',
    source: 'import',
    nodeCount: 9,
    createdAt: 0,
    updatedAt: 0,
    json: '{}',
    catalogFrom: 'builtin',
    parameters: [
      field('6.text', 'positive', 'a cat', 'textarea'),
      ...seeds.map((id) => field(id, 'seed', 5, 'integer')),
    ],
  }) as WorkflowDetailDto;

describe('seeds in the Compose draft', () => {
  it('turns to random seeds when a prompt makes several images, and back for one, until a mode is chosen', () => {
    const one = draftFromDetail(detail('3.seed'));
    expect(one.seedMode).toBe('fixed');
    const several = withCount(one, '4');
    expect(several).toMatchObject({ count: '4', seedMode: 'random' });
    expect(specFromDraft(detail('3.seed'), several).seeds).toEqual({ mode: 'random' });
    expect(withCount(several, '1').seedMode).toBe('fixed');
    const chosen = { ...one, seedMode: 'fixed' as const, seedModeChosen: true };
    expect(withCount(chosen, '4').seedMode).toBe('fixed');
  });

  it('fills every seed input by default and names the one chosen among several', () => {
    const workflow = detail('3.seed', '10.noise_seed');
    const draft = draftFromDetail(workflow);
    expect(draft.seedInput).toBe(SEED_INPUT_ALL);
    expect(specFromDraft(workflow, draft).targets).toBeUndefined();
    const one = { ...draft, seedInput: '10.noise_seed' };
    expect(specFromDraft(workflow, one).targets).toEqual({ seed: ['10.noise_seed'] });
    // The other seed input is the parameter form's: a value typed there travels in `set`.
    expect(builderOwns(field('3.seed', 'seed', 5, 'integer') as never, one)).toBe(false);
    expect(specFromDraft(workflow, { ...one, values: { ...one.values, '3.seed': '77' } }).set).toEqual({
      '3.seed': 77,
    });
  });

  it('sends no seed plan and an empty seed target when the seed input is none', () => {
    const workflow = detail('3.seed');
    const none = { ...draftFromDetail(workflow), seedInput: SEED_INPUT_NONE };
    const spec = specFromDraft(workflow, none);
    expect(spec.seeds).toBeUndefined();
    expect(spec.targets).toEqual({ seed: [] });
  });
});
