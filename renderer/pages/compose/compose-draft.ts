// The Compose form as the artist edits it (text as typed), and how it becomes the contract's batch spec. Kept per
// workflow for the session, so switching pages or workflows does not lose a half-written batch.
import type { BatchSpecInput, ParameterFieldDto, WorkflowDetailDto } from '../../../preload/schemas/jobs';

export type SeedMode = 'fixed' | 'random' | 'increment' | 'list';
export type FormValue = string | boolean;

export interface SweepDraft {
  key: number;
  parameter: string;
  mode: 'list' | 'range';
  /** Comma-separated (or one per line). */
  values: string;
  start: string;
  stop: string;
  step: string;
}

export type DynamicPromptMode = NonNullable<BatchSpecInput['dynamicPrompts']>;
export const DYNAMIC_PROMPT_MODES: readonly DynamicPromptMode[] = ['combinatorial', 'random', 'off'];

/** Whether the prompts hold `{…}` alternatives or `__name__` wildcards (main decides what they expand to). */
export function usesDynamicPrompts(prompts: string): boolean {
  return /[{}]|__[A-Za-z0-9]/.test(prompts);
}

export interface ComposeDraft {
  /** `<node>.<input>` → the value as typed. */
  values: Record<string, FormValue>;
  prompts: string;
  /** How `{a|b}` and `__name__` in the prompts expand: every combination, one at random per job, or not at all. */
  dynamicPrompts: DynamicPromptMode;
  negative: string;
  seedMode: SeedMode;
  /**
   * Set once the artist picks a seed mode. Until then the mode follows the count, as ComfyUI's control_after_generate
   * does: the workflow's own seed for one image, random seeds for several.
   */
  seedModeChosen: boolean;
  /** Which seed input the seed plan fills: SEED_INPUT_ALL, SEED_INPUT_NONE, or one `<node>.<input>`. */
  seedInput: string;
  /** Decimal text: seeds go up to 2^64 − 1. */
  seed: string;
  seedList: string;
  count: string;
  sweeps: SweepDraft[];
  combine: 'product' | 'zip';
  label: string;
}

/** Fields the batch builder owns (prompts, negative, seeds); the parameter form shows the rest. */
export const BUILDER_KINDS = new Set<ParameterFieldDto['kind']>(['positive', 'negative', 'seed']);

/** The seed plan fills every seed input of the workflow (main finds them). */
export const SEED_INPUT_ALL = '*';
/** The batch has no seed axis: every seed input keeps its value from the parameter form. */
export const SEED_INPUT_NONE = '';

/** Whether the builder fills this field; a seed input the seed plan does not fill is edited in the parameter form. */
export function builderOwns(field: ParameterFieldDto, draft: Pick<ComposeDraft, 'seedInput'>): boolean {
  if (field.kind !== 'seed') return BUILDER_KINDS.has(field.kind);
  return draft.seedInput === SEED_INPUT_ALL || draft.seedInput === field.id;
}

/** The count as typed; an unchosen seed mode follows it (random for several images, the workflow's seed for one). */
export function withCount(draft: ComposeDraft, count: string): ComposeDraft {
  if (draft.seedModeChosen) return { ...draft, count };
  const several = Number(count) > 1;
  return { ...draft, count, seedMode: several ? 'random' : 'fixed' };
}

const asText = (value: ParameterFieldDto['value']): FormValue => (typeof value === 'boolean' ? value : String(value));

export function draftFromDetail(detail: WorkflowDetailDto): ComposeDraft {
  const values: Record<string, FormValue> = {};
  for (const field of detail.parameters) values[field.id] = asText(field.value);
  const positive = detail.parameters.find((field) => field.kind === 'positive');
  const negative = detail.parameters.find((field) => field.kind === 'negative');
  const seeds = detail.parameters.filter((field) => field.kind === 'seed');
  const [seed] = seeds;
  return {
    values,
    prompts: positive ? String(positive.value) : '',
    dynamicPrompts: 'combinatorial',
    negative: negative ? String(negative.value) : '',
    seedMode: 'fixed',
    seedModeChosen: false,
    seedInput: seeds.length > 1 ? SEED_INPUT_ALL : (seed?.id ?? SEED_INPUT_NONE),
    seed: seed ? String(seed.value) : '0',
    seedList: '',
    count: '1',
    sweeps: [],
    combine: 'product',
    label: '',
  };
}

/** Applies re-run values (`<node>.<input>` → value) onto a fresh draft: prompts, negative and seed go to the builder. */
export function draftWithValues(
  detail: WorkflowDetailDto,
  values: Record<string, string | number | boolean>,
): ComposeDraft {
  const draft = draftFromDetail(detail);
  for (const field of detail.parameters) {
    const value = values[field.id];
    if (value === undefined) continue;
    draft.values[field.id] = asText(value);
    if (field.kind === 'positive') draft.prompts = String(value);
    if (field.kind === 'negative') draft.negative = String(value);
    if (field.kind === 'seed') draft.seed = String(value);
  }
  return draft;
}

const INTEGER = /^-?\d+$/;

/** Integers beyond 2^53 stay decimal text so they arrive exact; anything unparsable goes as typed for main to name. */
function literal(field: ParameterFieldDto | undefined, value: FormValue): string | number | boolean {
  if (typeof value === 'boolean' || !field) return value;
  const text = value.trim();
  if (field.control === 'integer') {
    if (!INTEGER.test(text)) return text;
    const number = Number(text);
    return Number.isSafeInteger(number) ? number : text;
  }
  if (field.control === 'number') {
    const number = Number(text);
    return text !== '' && Number.isFinite(number) ? number : text;
  }
  return value;
}

export const splitList = (text: string): string[] =>
  text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');

function seedPlan(draft: ComposeDraft): NonNullable<BatchSpecInput['seeds']> {
  switch (draft.seedMode) {
    case 'random':
      return { mode: 'random' };
    case 'increment':
      return { mode: 'increment', start: draft.seed.trim() };
    case 'list':
      return { mode: 'list', values: splitList(draft.seedList) };
    case 'fixed':
      return { mode: 'fixed', value: draft.seed.trim() };
  }
}

function sweep(
  fields: Map<string, ParameterFieldDto>,
  draft: SweepDraft,
): NonNullable<BatchSpecInput['sweeps']>[number] {
  if (draft.mode === 'range') {
    return {
      parameter: draft.parameter,
      range: { start: Number(draft.start), stop: Number(draft.stop), step: Number(draft.step) },
    };
  }
  const field = fields.get(draft.parameter);
  return { parameter: draft.parameter, values: splitList(draft.values).map((value) => literal(field, value)) };
}

/** The batch spec for preview and queueing: only the form values the artist changed travel in `set`. */
export function specFromDraft(detail: WorkflowDetailDto, draft: ComposeDraft): BatchSpecInput {
  const fields = new Map(detail.parameters.map((field) => [field.id, field]));
  const set: Record<string, string | number | boolean> = {};
  for (const field of detail.parameters) {
    if (builderOwns(field, draft)) continue;
    const value = draft.values[field.id];
    if (value === undefined || value === asText(field.value)) continue;
    set[field.id] = literal(field, value);
  }
  const has = (kind: ParameterFieldDto['kind']) => detail.parameters.some((field) => field.kind === kind);
  const count = Number(draft.count);
  const spec: BatchSpecInput = {
    set,
    countPerPrompt: Number.isInteger(count) && count >= 1 ? count : 1,
    combine: draft.combine,
  };
  if (draft.prompts.trim() !== '') {
    spec.prompts = draft.prompts;
    if (usesDynamicPrompts(draft.prompts)) spec.dynamicPrompts = draft.dynamicPrompts;
  }
  if (has('negative')) spec.negative = draft.negative;
  if (has('seed') && draft.seedInput === SEED_INPUT_NONE) spec.targets = { seed: [] };
  else if (has('seed')) {
    spec.seeds = seedPlan(draft);
    // One input of several: named. The only one, or all of them, is what main finds by itself.
    const several = detail.parameters.filter((field) => field.kind === 'seed').length > 1;
    if (several && draft.seedInput !== SEED_INPUT_ALL) spec.targets = { seed: [draft.seedInput] };
  }
  const sweeps = draft.sweeps.filter((item) => item.parameter !== '').map((item) => sweep(fields, item));
  if (sweeps.length > 0) spec.sweeps = sweeps;
  return spec;
}

/** The image(s) an image field holds: the values of its axis, or its one value. */
export function imageValues(draft: ComposeDraft, field: ParameterFieldDto): string[] {
  const axis = draft.sweeps.find((sweep) => sweep.parameter === field.id && sweep.mode === 'list');
  if (axis) return splitList(axis.values);
  return [String(draft.values[field.id] ?? field.value)];
}

/** One image sets the field; several make it an axis of the batch (one job each, times the prompts and seeds). */
export function withImages(draft: ComposeDraft, field: ParameterFieldDto, values: readonly string[]): ComposeDraft {
  const others = draft.sweeps.filter((sweep) => sweep.parameter !== field.id);
  const [first] = values;
  if (first === undefined) return draft;
  if (values.length === 1) return { ...draft, values: { ...draft.values, [field.id]: first }, sweeps: others };
  const axis: SweepDraft = {
    key: Date.now(),
    parameter: field.id,
    mode: 'list',
    values: values.join(', '),
    start: '',
    stop: '',
    step: '1',
  };
  return { ...draft, values: { ...draft.values, [field.id]: String(field.value) }, sweeps: [...others, axis] };
}

/** Back to the workflow's own file: no axis. */
export function withoutImages(draft: ComposeDraft, field: ParameterFieldDto): ComposeDraft {
  return {
    ...draft,
    values: { ...draft.values, [field.id]: String(field.value) },
    sweeps: draft.sweeps.filter((sweep) => sweep.parameter !== field.id),
  };
}

/** The session's memory: the last workflow, service or pool and each workflow's draft (not persisted across restarts). */
export const composeSession: {
  workflowId: string | null;
  serviceId: string | null;
  /** A saved pool the batch goes to instead of the service. */
  poolId: string | null;
  drafts: Map<string, ComposeDraft>;
} = { workflowId: null, serviceId: null, poolId: null, drafts: new Map() };
