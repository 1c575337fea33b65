// The value lists of a batch: prompts, listed seeds, sweeps (lists and ranges) and how sweeps combine. Pure and cheap
// to count, so that "Queue N" can be shown without building N jobs.

import { ValidationError } from '../errors';
import type { BatchSpecInput as BatchSpec, SweepInput as Sweep } from '../../preload/schemas/jobs';

type SweepRange = Extract<Sweep, { range: unknown }>['range'];

/** A range longer than this is almost surely a typo (step 0.0001 for a 0..100 range). */
export const MAX_SWEEP_VALUES = 10_000;

export type SweepValue = string | number | bigint | boolean;

export interface SweepAxis {
  parameter: string;
  values: readonly SweepValue[];
}

/** The prompts of a spec, one per non-blank line; `[null]` (the workflow's own prompt) when it has none. */
export function promptList(spec: BatchSpec): (string | null)[] {
  if (spec.prompts === undefined) return [null];
  const lines = typeof spec.prompts === 'string' ? spec.prompts.split(/\r?\n/) : spec.prompts;
  const prompts = lines.map((line) => line.trim()).filter((line) => line.length > 0);
  if (prompts.length === 0) {
    throw new ValidationError('The prompt list is empty: write at least one prompt, one per line.').withCode(
      'prompt-list-empty',
    );
  }
  return prompts;
}

function decimals(value: number): number {
  const text = String(value);
  if (text.includes('e-')) return Number(text.split('e-')[1] ?? 0);
  return text.includes('.') ? (text.split('.')[1]?.length ?? 0) : 0;
}

/** How many values a range has, refusing a step of 0 and a step that walks away from stop. */
export function rangeLength(parameter: string, range: SweepRange): number {
  const { start, stop, step } = range;
  const name = `The range for "${parameter}"`;
  if (![start, stop, step].every(Number.isFinite)) {
    throw new ValidationError(`${name} needs finite numbers.`).withCode('sweep-range-not-finite', { parameter });
  }
  if (step === 0) {
    throw new ValidationError(`${name} has a step of 0: use a step such as 1 or 0.5.`).withCode('sweep-step-zero', {
      parameter,
    });
  }
  if (start === stop) return 1;
  if (stop - start > 0 !== step > 0) {
    throw new ValidationError(
      `${name} goes from ${start} to ${stop} but its step ${step} walks the other way: use a step of ${-step}.`,
    ).withCode('sweep-step-backwards', { parameter, start, stop, step, reverse: -step });
  }
  // The tolerance keeps 0.1..0.3 step 0.1 at three values despite binary rounding.
  const length = Math.floor((stop - start) / step + 1e-9) + 1;
  if (length > MAX_SWEEP_VALUES) {
    throw new ValidationError(
      `${name} has ${length} values; at most ${MAX_SWEEP_VALUES} are allowed. Use a larger step.`,
    ).withCode('sweep-too-many-values', { parameter, values: length, max: MAX_SWEEP_VALUES });
  }
  return length;
}

/** The values of a range, rounded to the precision the artist wrote (so 0.1 + 0.2 reads 0.3). */
export function rangeValues(parameter: string, range: SweepRange): number[] {
  const length = rangeLength(parameter, range);
  const places = Math.max(decimals(range.start), decimals(range.step));
  return Array.from({ length }, (_, i) => Number((range.start + i * range.step).toFixed(places)));
}

function sweepLength(sweep: Sweep): number {
  if ('range' in sweep) return rangeLength(sweep.parameter, sweep.range);
  if (sweep.values.length === 0) {
    throw new ValidationError(
      `The sweep over "${sweep.parameter}" has no values: add some or remove the sweep.`,
    ).withCode('sweep-no-values', { parameter: sweep.parameter });
  }
  return sweep.values.length;
}

/** The sweeps as value lists, each checked; a parameter swept twice is refused. */
export function sweepAxes(spec: BatchSpec): SweepAxis[] {
  const seen = new Set<string>();
  return (spec.sweeps ?? []).map((sweep) => {
    if (seen.has(sweep.parameter)) {
      throw new ValidationError(`"${sweep.parameter}" is swept twice: merge the two sweeps into one.`).withCode(
        'sweep-twice',
        { parameter: sweep.parameter },
      );
    }
    seen.add(sweep.parameter);
    sweepLength(sweep);
    const values = 'range' in sweep ? rangeValues(sweep.parameter, sweep.range) : sweep.values;
    return { parameter: sweep.parameter, values };
  });
}

/** How many combinations the sweeps make, without listing them. */
export function comboCount(spec: BatchSpec): number {
  const sweeps = spec.sweeps ?? [];
  const lengths = sweeps.map(sweepLength);
  if (lengths.length === 0) return 1;
  if ((spec.combine ?? 'product') === 'product') return lengths.reduce((a, b) => a * b, 1);
  const first = lengths[0] ?? 0;
  if (lengths.some((length) => length !== first)) {
    const listed = sweeps.map((sweep, i) => `"${sweep.parameter}" has ${lengths[i]}`).join(', ');
    throw new ValidationError(
      `Zipped sweeps must have the same number of values, but ${listed}. Make them equal, or combine them as a product.`,
    ).withCode('sweep-zip-uneven', {
      parameters: sweeps.map((sweep, i) => `“${sweep.parameter}” (${lengths[i]})`).join(', '),
    });
  }
  return first;
}

/** The combinations of the sweeps, in order: the first sweep varies slowest in a product. */
export function* combos(axes: readonly SweepAxis[], combine: 'product' | 'zip'): Generator<Record<string, SweepValue>> {
  if (axes.length === 0) {
    yield {};
    return;
  }
  if (combine === 'zip') {
    const length = axes[0]?.values.length ?? 0;
    for (let i = 0; i < length; i++) {
      const combo: Record<string, SweepValue> = {};
      for (const axis of axes) {
        const value = axis.values[i];
        if (value !== undefined) combo[axis.parameter] = value;
      }
      yield combo;
    }
    return;
  }
  const [head, ...rest] = axes;
  if (!head) return;
  for (const value of head.values) {
    for (const tail of combos(rest, 'product')) yield { [head.parameter]: value, ...tail };
  }
}
