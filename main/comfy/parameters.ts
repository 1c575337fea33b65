// The editable literal inputs of a workflow, found by class_type, input names and links, never by title (titles are
// in the artist's UI language: "K采样器"). Each gets a kind that the Compose page and batch expansion understand.

import { PARAMETER_KINDS } from '../../preload/schemas/jobs';
import { findPromptRoles } from './prompt-roles';
import { isLiteral, nodeTitle, sortedNodeIds, type ApiWorkflow, type LiteralValue } from './workflow-types';

// The contract (preload/schemas/jobs.ts) is the one list of kinds, in the order the form shows them.
export type ParameterKind = (typeof PARAMETER_KINDS)[number];

export interface Parameter {
  /** `<node>.<input>`: the key patchWorkflow() takes. */
  id: string;
  node: string;
  input: string;
  kind: ParameterKind;
  /** An English label for the kind (the UI translates by kind); for `other`, the input name. */
  label: string;
  value: LiteralValue;
  /** For display only. */
  nodeTitle: string;
  classType: string;
}

const KIND_BY_INPUT: Readonly<Record<string, ParameterKind>> = {
  seed: 'seed',
  noise_seed: 'seed',
  steps: 'steps',
  cfg: 'cfg',
  sampler_name: 'sampler',
  scheduler: 'scheduler',
  denoise: 'denoise',
  width: 'width',
  height: 'height',
  batch_size: 'batch_size',
  ckpt_name: 'checkpoint',
  filename_prefix: 'filename_prefix',
};

const LABELS: Readonly<Record<Exclude<ParameterKind, 'other'>, string>> = {
  positive: 'Positive prompt',
  negative: 'Negative prompt',
  prompt: 'Prompt',
  image: 'Image',
  seed: 'Seed',
  steps: 'Steps',
  cfg: 'CFG',
  sampler: 'Sampler',
  scheduler: 'Scheduler',
  denoise: 'Denoise',
  width: 'Width',
  height: 'Height',
  batch_size: 'Batch size',
  checkpoint: 'Checkpoint',
  filename_prefix: 'File name prefix',
};

/**
 * Core nodes whose `image` input names a file in the service's input folder. Custom loaders are found by the
 * catalogue's `image_upload` mark when the service has one (workflows/workflow-form.ts).
 */
const IMAGE_LOADERS: ReadonlySet<string> = new Set(['LoadImage', 'LoadImageMask', 'LoadImageOutput']);

/**
 * Custom nodes name their seeds freely (`rand_seed`, `seed_value`, `noise_seed_2`); an integer input whose name has
 * "seed" as a word is one. Text inputs such as `seed_mode` choices are not.
 */
function isSeedLike(input: string, value: LiteralValue): boolean {
  const integer = typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
  return integer && /(^|_)seed(_|$|\d)/i.test(input);
}

/**
 * Every literal input of the workflow as a Parameter, ordered by kind (prompts first, `other` last), then by node id
 * and input order. Links are not parameters.
 */
export function findParameters(workflow: ApiWorkflow): Parameter[] {
  const roles = findPromptRoles(workflow);
  const found: Parameter[] = [];
  for (const node of sortedNodeIds(workflow)) {
    const entry = workflow[node];
    if (!entry) continue;
    for (const [input, value] of Object.entries(entry.inputs)) {
      if (!isLiteral(value)) continue;
      const id = `${node}.${input}`;
      const loads = input === 'image' && typeof value === 'string' && IMAGE_LOADERS.has(entry.class_type ?? '');
      const kind =
        roles.get(id) ??
        (loads ? 'image' : undefined) ??
        KIND_BY_INPUT[input] ??
        (isSeedLike(input, value) ? 'seed' : 'other');
      found.push({
        id,
        node,
        input,
        kind,
        label: kind === 'other' ? input : LABELS[kind],
        value,
        nodeTitle: nodeTitle(workflow, node),
        classType: entry.class_type ?? '',
      });
    }
  }
  const rank = (kind: ParameterKind): number => PARAMETER_KINDS.indexOf(kind);
  // Array.prototype.sort is stable, so node and input order survive within a kind.
  return found.sort((a, b) => rank(a.kind) - rank(b.kind));
}
