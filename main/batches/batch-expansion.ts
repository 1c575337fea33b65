// A batch spec → one parameter patch per job, applied with patchWorkflow(). Pure: randomness comes in as a source.
//
// Order of jobs: for each prompt, for each listed seed, for each sweep combination, `countPerPrompt` times. Seeds:
// `fixed` gives every job the value; `random` draws one per job; `increment` gives job k the start + k; `list` makes
// the seeds a dimension. Prompts, the negative prompt and seeds override `set`; sweeps override everything else, and
// a sweep over an input that the prompts or seeds already fill is refused as ambiguous.
//
// Messages here reach both the Compose page and the CLI, so they name the spec's settings, never a screen or a flag.

import { ValidationError } from '../errors';
import type { BatchSpecInput as BatchSpec } from '../../preload/schemas/jobs';
import { findParameters, type Parameter } from '../comfy/parameters';
import { patchWorkflow } from '../comfy/workflow-patch';
import type { ApiWorkflow, LiteralValue } from '../comfy/workflow-types';
import { cryptoRandomSource, MAX_SEED, parseSeed, type RandomSource } from './seed-source';
import { planPrompts, type PromptPlan, type WildcardSource } from './dynamic-prompts';
import { comboCount, combos, promptList, sweepAxes, type SweepAxis, type SweepValue } from './sweep-axes';

/** More jobs than this in one batch are refused outright (the UI asks for confirmation above 1,000). */
export const MAX_BATCH_JOBS = 100_000;

export interface JobPlan {
  /** Position in the batch, from 0. */
  index: number;
  /** The prompt text this job fills in, or null when it keeps the workflow's own. */
  prompt: string | null;
  /** The seed as decimal text, or null when it keeps the workflow's own. */
  seed: string | null;
  /** Everything this job sets: `{"<node>.<input>": value}`, ready for patchWorkflow(). */
  patch: Record<string, LiteralValue>;
}

export interface ExpandedJob extends JobPlan {
  workflow: ApiWorkflow;
}

export interface ExpansionOptions {
  random?: RandomSource;
  /** The wildcard files `__name__` in a prompt stands for; without them a wildcard is refused as missing. */
  wildcards?: WildcardSource;
  /** The largest random seed to draw (the service's bound for the seed inputs); ComfyUI's 2^64 − 1 otherwise. */
  maxRandomSeed?: bigint;
}

/** What the preview says about a batch beside its jobs. */
export interface BatchFacts {
  total: number;
  /** Repeats of a combination (count > 1) share their seed, so they make identical images. */
  identicalRepeats: boolean;
  /** The inputs the seed plan fills; empty: the batch has no seed axis. */
  seedInputs: string[];
}

/**
 * The prompt slots of a batch: its lines, or every combination of their alternatives and wildcards
 * (`dynamicPrompts`, combinatorial unless said otherwise). `[null]`: the workflow's own prompt.
 */
function promptPlan(spec: BatchSpec, wildcards: WildcardSource | undefined): PromptPlan | null {
  const lines = promptList(spec);
  if (lines.length === 1 && lines[0] === null) return null;
  return planPrompts(lines as string[], spec.dynamicPrompts ?? 'combinatorial', wildcards, MAX_BATCH_JOBS);
}

/** How many jobs the spec makes, without building them: for the "Queue N" button. Throws on a malformed spec. */
export function countJobs(spec: BatchSpec, options: Pick<ExpansionOptions, 'wildcards'> = {}): number {
  return countWith(spec, promptPlan(spec, options.wildcards));
}

function countWith(spec: BatchSpec, prompts: PromptPlan | null): number {
  const slots = prompts?.prompts.length ?? 1;
  const seeds = spec.seeds?.mode === 'list' ? spec.seeds.values.length : 1;
  if (spec.seeds?.mode === 'list' && seeds === 0) {
    throw new ValidationError('The seed list is empty: write at least one seed, or choose random seeds.').withCode(
      'seed-list-empty',
    );
  }
  return slots * seeds * comboCount(spec) * (spec.countPerPrompt ?? 1);
}

interface Targets {
  prompt: string[];
  negative: string[];
  seed: string[];
}

function unknownParameter(id: string, workflow: ApiWorkflow): ValidationError {
  const node = id.includes('.') ? id.slice(0, id.indexOf('.')) : id;
  return new ValidationError(
    `There is no editable parameter "${id}" in this workflow (expected "<node id>.<input name>" of an input that ` +
      `is not linked). Use the id of one of its inputs.`,
    workflow[node] ? node : undefined,
    id.includes('.') ? id.slice(id.indexOf('.') + 1) : undefined,
  ).withCode('parameter-unknown', { parameter: id });
}

function resolveTargets(spec: BatchSpec, workflow: ApiWorkflow, parameters: Parameter[]): Targets {
  const ids = new Set(parameters.map((p) => p.id));
  const ofKind = (...kinds: Parameter['kind'][]): string[] => {
    for (const kind of kinds) {
      const found = parameters.filter((p) => p.kind === kind).map((p) => p.id);
      if (found.length > 0) return found;
    }
    return [];
  };
  const chosen = (
    given: string[] | undefined,
    found: string[],
    needed: boolean,
    what: 'prompt' | 'negative prompt',
  ): string[] => {
    const list = given ?? found;
    for (const id of list) if (!ids.has(id)) throw unknownParameter(id, workflow);
    if (needed && list.length === 0) {
      throw new ValidationError(
        `This workflow has no ${what} input, so the ${what}s given have nowhere to go. Queue it without them.`,
      ).withCode(what === 'prompt' ? 'prompt-input-missing' : 'negative-input-missing');
    }
    return list;
  };
  return {
    prompt: chosen(spec.targets?.prompt, ofKind('positive', 'prompt'), spec.prompts !== undefined, 'prompt'),
    negative: chosen(spec.targets?.negative, ofKind('negative'), spec.negative !== undefined, 'negative prompt'),
    seed: seedTargets(spec, workflow, ids, ofKind('seed')),
  };
}

/**
 * The inputs the seed plan fills. Random seeds are ComfyUI's default (control_after_generate "randomize"), so a
 * workflow without a seed input simply has no seed axis, and a seed input the spec sets itself keeps that value; a
 * seed plan the caller chose on purpose (fixed, increment, list) with nothing to fill is refused instead.
 */
function seedTargets(spec: BatchSpec, workflow: ApiWorkflow, ids: Set<string>, found: string[]): string[] {
  const named = spec.targets?.seed;
  for (const id of named ?? []) if (!ids.has(id)) throw unknownParameter(id, workflow);
  const plan = spec.seeds;
  if (!plan) return named ?? found;
  const setHere = new Set(Object.keys(spec.set ?? {}));
  const clash = (named ?? (plan.mode === 'random' ? [] : found)).find((id) => setHere.has(id));
  if (clash !== undefined) {
    throw new ValidationError(
      `The seed input "${clash}" is given a value and is also filled by the seed plan: keep one of them (a fixed ` +
        `seed plan gives every job one seed).`,
      ...nodeAndInput(clash),
    ).withCode('seed-input-set-twice', { parameter: clash });
  }
  const targets = (named ?? found).filter((id) => !setHere.has(id));
  if (targets.length === 0 && plan.mode !== 'random') {
    throw new ValidationError(
      'This workflow has no seed input to fill, so the seeds given cannot be used. Queue it without seeds, or name ' +
        'the seed input (an integer input of the workflow).',
    ).withCode('seed-input-missing');
  }
  return targets;
}

function nodeAndInput(id: string): [string, string] | [] {
  const dot = id.indexOf('.');
  return dot > 0 ? [id.slice(0, dot), id.slice(dot + 1)] : [];
}

/** Checks every parameter id and every value against the workflow once, so that no job fails halfway. */
function checkAgainstWorkflow(spec: BatchSpec, workflow: ApiWorkflow, axes: SweepAxis[]): Targets {
  if (Object.keys(workflow).length === 0) {
    throw new ValidationError(
      'This workflow has no nodes. Export it again from ComfyUI with Workflow → Export (API) and import that file.',
    ).withCode('workflow-no-nodes');
  }
  const parameters = findParameters(workflow);
  const ids = new Set(parameters.map((p) => p.id));
  const targets = resolveTargets(spec, workflow, parameters);
  const filled = new Set([
    ...(spec.prompts !== undefined ? targets.prompt : []),
    ...(spec.negative !== undefined ? targets.negative : []),
    ...(spec.seeds !== undefined ? targets.seed : []),
  ]);
  for (const id of Object.keys(spec.set ?? {})) if (!ids.has(id)) throw unknownParameter(id, workflow);
  patchWorkflow(workflow, spec.set ?? {});
  for (const axis of axes) {
    if (!ids.has(axis.parameter)) throw unknownParameter(axis.parameter, workflow);
    if (filled.has(axis.parameter)) {
      throw new ValidationError(
        `"${axis.parameter}" is both swept and filled by the prompts or seeds: remove the sweep or the other setting.`,
      ).withCode('sweep-clash', { parameter: axis.parameter });
    }
    for (const value of new Set(axis.values)) patchWorkflow(workflow, { [axis.parameter]: value });
  }
  return targets;
}

function seedsOf(spec: BatchSpec): bigint[] | null {
  if (spec.seeds?.mode !== 'list') return null;
  return spec.seeds.values.map((value, i) => parseSeed(value, `Seed ${i + 1} of the list`));
}

interface Prepared {
  prompts: PromptPlan | null;
  targets: Targets;
  combined: Record<string, SweepValue>[];
  seedList: bigint[] | null;
  facts: BatchFacts;
}

/** A sweep combination as text, to tell equal ones apart (values may be bigint, which JSON cannot write). */
const comboKey = (combo: Record<string, SweepValue>): string =>
  Object.entries(combo)
    .map(([id, value]) => `${id}=${typeof value}:${String(value)}`)
    .join('\u0000');

/**
 * ComfyUI answers a prompt it has already run from its cache: no new image, the old file names. Jobs that send the
 * same workflow are therefore wasted, and a batch whose every job is the same is refused rather than run.
 */
function checkSomethingVaries(
  workflow: ApiWorkflow,
  spec: BatchSpec,
  prepared: Omit<Prepared, 'facts'>,
  total: number,
): BatchFacts {
  const { prompts, targets, combined, seedList } = prepared;
  const seedInputs = spec.seeds ? targets.seed : [];
  const mode = spec.seeds?.mode;
  const seedPerJob = seedInputs.length > 0 && (mode === 'random' || mode === 'increment');
  const count = spec.countPerPrompt ?? 1;
  const drawPerJob = prompts?.drawsVary === true;
  const identicalRepeats = count > 1 && !seedPerJob && !drawPerJob;
  const varies =
    new Set(prompts?.prompts).size > 1 ||
    (count > 1 && drawPerJob) ||
    (seedInputs.length > 0 && new Set(seedList?.map(String)).size > 1) ||
    new Set(combined.map(comboKey)).size > 1 ||
    (count > 1 && seedPerJob);
  if (total > 1 && !varies) {
    const noSeed = !findParameters(workflow).some((p) => p.kind === 'seed');
    throw new ValidationError(
      noSeed
        ? `This workflow has no seed input, so all ${total} jobs would send the same workflow, and ComfyUI answers a ` +
            'repeated workflow from its cache without making a new image. Queue 1 job, or vary the prompts or ' +
            'parameters between the jobs.'
        : `All ${total} jobs would send the same workflow (same seed, prompt and parameters), and ComfyUI answers a ` +
            'repeated workflow from its cache without making a new image. Let the seed change between jobs (random ' +
            'or increasing seeds), vary the prompts or parameters, or queue 1 job.',
    ).withCode(noSeed ? 'batch-identical-no-seed' : 'batch-identical', { total });
  }
  return { total, identicalRepeats, seedInputs };
}

function prepare(workflow: ApiWorkflow, spec: BatchSpec, options: ExpansionOptions): Prepared {
  const prompts = promptPlan(spec, options.wildcards);
  const total = countWith(spec, prompts);
  if (total > MAX_BATCH_JOBS) {
    throw new ValidationError(
      `This batch would make ${total} jobs; at most ${MAX_BATCH_JOBS} fit in one batch.`,
    ).withCode('batch-too-large', { total, max: MAX_BATCH_JOBS });
  }
  const axes = sweepAxes(spec);
  const targets = checkAgainstWorkflow(spec, workflow, axes);
  const combined = [...combos(axes, spec.combine ?? 'product')];
  const seedList = seedsOf(spec);
  const prepared = { prompts, targets, combined, seedList };
  return { ...prepared, facts: checkSomethingVaries(workflow, spec, prepared, total) };
}

/** The total, the seed inputs and whether repeats are identical, with every check the expansion makes. */
export function inspectBatch(workflow: ApiWorkflow, spec: BatchSpec, options: ExpansionOptions = {}): BatchFacts {
  return prepare(workflow, spec, options).facts;
}

/**
 * The jobs of a spec, lazily and in order, as patches (no workflow copies): for previews and for expandBatch().
 * Everything is checked before the first job is produced.
 */
export function* planJobs(workflow: ApiWorkflow, spec: BatchSpec, options: ExpansionOptions = {}): Generator<JobPlan> {
  const { prompts, targets, combined, seedList, facts } = prepare(workflow, spec, options);
  const random = options.random ?? cryptoRandomSource;
  const maxRandom = options.maxRandomSeed ?? MAX_SEED;
  const plan = facts.seedInputs.length > 0 ? spec.seeds : undefined;
  const fixed = plan?.mode === 'fixed' ? parseSeed(plan.value) : null;
  const start = plan?.mode === 'increment' ? parseSeed(plan.start, 'The first seed') : null;
  const count = spec.countPerPrompt ?? 1;
  let index = 0;
  for (let slot = 0; slot < (prompts?.prompts.length ?? 1); slot++) {
    for (const listed of (plan ? seedList : null) ?? [null]) {
      for (const combo of combined) {
        for (let repeat = 0; repeat < count; repeat++) {
          // A prompt drawn at random (dynamic prompts' random mode) is drawn here, once, and stored with the job.
          const prompt = prompts ? prompts.draw(slot, random) : null;
          let seed: bigint | null = listed ?? fixed;
          if (start !== null) seed = BigInt.asUintN(64, start + BigInt(index));
          else if (plan?.mode === 'random') seed = maxRandom >= MAX_SEED ? random() : random() % (maxRandom + 1n);
          yield { index, prompt, seed: seed?.toString() ?? null, patch: jobPatch(spec, targets, prompt, seed, combo) };
          index++;
        }
      }
    }
  }
}

function jobPatch(
  spec: BatchSpec,
  targets: Targets,
  prompt: string | null,
  seed: bigint | null,
  combo: Record<string, SweepValue>,
): Record<string, LiteralValue> {
  const patch: Record<string, LiteralValue> = { ...spec.set };
  if (prompt !== null) for (const id of targets.prompt) patch[id] = prompt;
  if (spec.negative !== undefined) for (const id of targets.negative) patch[id] = spec.negative;
  // Decimal text: patchWorkflow() turns it into a number or, beyond 2^53, a bigint, exactly.
  if (seed !== null) for (const id of targets.seed) patch[id] = seed.toString();
  return Object.assign(patch, combo);
}

/** The first `n` jobs of a spec, for the preview beside "Queue N". */
export function previewJobs(workflow: ApiWorkflow, spec: BatchSpec, n: number, options?: ExpansionOptions): JobPlan[] {
  const preview: JobPlan[] = [];
  if (n <= 0) return preview;
  for (const job of planJobs(workflow, spec, options)) {
    preview.push(job);
    if (preview.length >= n) break;
  }
  return preview;
}

/** Every job of a spec with its patched workflow, all in memory: what the scheduler sends, for small batches and tests. */
export function expandBatch(workflow: ApiWorkflow, spec: BatchSpec, options?: ExpansionOptions): ExpandedJob[] {
  return Array.from(planJobs(workflow, spec, options), (job) => ({
    ...job,
    workflow: patchWorkflow(workflow, job.patch),
  }));
}
