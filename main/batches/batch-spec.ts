// What an artist asks for in the batch builder (and the CLI): prompts, a shared negative prompt, seeds, a count per
// prompt, sweeps over parameters. The schema is the contract's; batch-expansion.ts turns a spec into jobs.

import { z } from 'zod';
import { ValidationError } from '../errors';

/** Seeds travel as decimal text: they go up to 2^64 − 1, beyond what a JSON number keeps exact. */
const seedValueSchema = z.union([z.string(), z.number(), z.bigint()]);

export const seedPlanSchema = z.discriminatedUnion('mode', [
  /** Every job gets the same seed. */
  z.object({ mode: z.literal('fixed'), value: seedValueSchema }),
  /** Every job gets a fresh random seed. */
  z.object({ mode: z.literal('random') }),
  /** Job k of the batch (in expansion order) gets start + k, wrapping past 2^64 − 1 to 0. */
  z.object({ mode: z.literal('increment'), start: seedValueSchema }),
  /** Every prompt is run once with each listed seed. */
  z.object({ mode: z.literal('list'), values: z.array(seedValueSchema) }),
]);
export type SeedPlan = z.infer<typeof seedPlanSchema>;

/** A value for a parameter: numbers may be decimal text so that big integers arrive exact. */
export const sweepValueSchema = z.union([z.string(), z.number(), z.bigint(), z.boolean()]);

/** An inclusive numeric range: start, start + step, … up to and including stop when a step lands on it. */
export const sweepRangeSchema = z.object({ start: z.number(), stop: z.number(), step: z.number() });
export type SweepRange = z.infer<typeof sweepRangeSchema>;

export const sweepSchema = z.union([
  z.object({ parameter: z.string(), values: z.array(sweepValueSchema) }),
  z.object({ parameter: z.string(), range: sweepRangeSchema }),
]);
export type Sweep = z.infer<typeof sweepSchema>;

export const batchSpecSchema = z.object({
  /** One prompt per line (blank lines dropped) or a list. Omitted: the workflow's own prompt, unchanged. */
  prompts: z.union([z.string(), z.array(z.string())]).optional(),
  /** Replaces every negative prompt of the workflow. Omitted: the workflow's own. */
  negative: z.string().optional(),
  /** Omitted: the workflow's own seed, unchanged. */
  seeds: seedPlanSchema.optional(),
  /** How many times each combination is queued (default 1). */
  countPerPrompt: z.number().int().min(1).optional(),
  sweeps: z.array(sweepSchema).optional(),
  /** `product` (default): every combination of the sweeps. `zip`: the i-th values of every sweep together. */
  combine: z.enum(['product', 'zip']).optional(),
  /** Fixed values from the parameter form, `{"<node>.<input>": value}`; prompts, seeds and sweeps override them. */
  set: z.record(z.string(), sweepValueSchema).optional(),
  /** Which inputs receive the prompt, the negative prompt and the seed; found from the workflow when omitted. */
  targets: z
    .object({
      prompt: z.array(z.string()).optional(),
      negative: z.array(z.string()).optional(),
      seed: z.array(z.string()).optional(),
    })
    .optional(),
});
export type BatchSpec = z.infer<typeof batchSpecSchema>;

/** Parses a spec from outside (IPC, a CLI file), refusing a malformed one with the field that is wrong. */
export function parseBatchSpec(input: unknown): BatchSpec {
  const parsed = batchSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
  throw new ValidationError(`The batch settings are malformed${where}: ${issue?.message ?? 'unknown problem'}.`);
}
