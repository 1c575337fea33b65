// Seeds for batches. ComfyUI's KSampler takes any INT seed in [0, 2^64 − 1]; a JS number holds only 2^53 exactly, so
// seeds are bigint inside and decimal text at every boundary (IPC, JSON, the ledger).

import { randomBytes } from 'node:crypto';
import { ValidationError } from '../errors';

/** The largest seed ComfyUI accepts (KSampler's `max`: 0xffffffffffffffff). */
export const MAX_SEED = 0xffff_ffff_ffff_ffffn;

/** Gives a uniformly random integer in [0, 2^64 − 1] on each call. */
export type RandomSource = () => bigint;

/** Random seeds from the operating system's generator: what batches use unless a test or a script injects one. */
export const cryptoRandomSource: RandomSource = () => randomBytes(8).readBigUInt64BE(0);

/**
 * A reproducible source (SplitMix64): the same `seed` always gives the same sequence, so a test or a scripted run can
 * queue the same "random" seeds twice.
 */
export function seededRandomSource(seed: bigint | number): RandomSource {
  let state = BigInt.asUintN(64, BigInt(seed));
  return () => {
    state = BigInt.asUintN(64, state + 0x9e37_79b9_7f4a_7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58_476d_1ce4_e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d0_49bb_1331_11ebn);
    return z ^ (z >> 31n);
  };
}

/** A seed given as decimal text, a safe integer or a bigint, checked against ComfyUI's range. */
export function parseSeed(value: string | number | bigint, where = 'The seed'): bigint {
  let seed: bigint;
  if (typeof value === 'bigint') seed = value;
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new ValidationError(
        `${where} ${value} is not a whole number; write seeds as whole numbers (as text).`,
      ).withCode('seed-not-whole', { value });
    }
    seed = BigInt(value);
  } else {
    const text = value.trim();
    if (!/^\d+$/.test(text)) {
      throw new ValidationError(`${where} "${value}" is not a whole number from 0 to ${MAX_SEED}.`).withCode(
        'seed-not-in-range',
        { value, max: MAX_SEED.toString() },
      );
    }
    seed = BigInt(text);
  }
  if (seed < 0n || seed > MAX_SEED) {
    throw new ValidationError(
      `${where} ${seed} is outside ComfyUI's range: use a whole number from 0 to ${MAX_SEED}.`,
    ).withCode('seed-not-in-range', { value: seed.toString(), max: MAX_SEED.toString() });
  }
  return seed;
}
