// The one backoff: capped exponential growth, full or equal jitter from injectable dice, and a budget in attempts and
// time that says when to stop.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, nextTry } from '../../../main/editions/backoff';

const caps = { initialMs: 100, maxMs: 1_000 };

describe('backoffDelay', () => {
  it('doubles the ceiling per failure up to the cap', () => {
    const top = (failures: number): number => backoffDelay(failures, caps, () => 1);
    expect([1, 2, 3, 4, 5, 40].map(top)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('draws in [0, ceiling] with full jitter and in [ceiling/2, ceiling] with equal jitter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.double({ min: 0, max: 1, noNaN: true }), (failures, draw) => {
        const ceiling = Math.min(1_000, 100 * 2 ** Math.min(failures - 1, 30));
        const full = backoffDelay(failures, caps, () => draw);
        const equal = backoffDelay(failures, { ...caps, jitter: 'equal' }, () => draw);
        expect(full).toBeGreaterThanOrEqual(0);
        expect(full).toBeLessThanOrEqual(ceiling);
        expect(equal).toBeGreaterThanOrEqual(ceiling / 2);
        expect(equal).toBeLessThanOrEqual(ceiling);
      }),
    );
  });
});

describe('nextTry', () => {
  const budget = { maxAttempts: 5, withinMs: 120_000 };

  it('allows another try while attempts and time remain, and says which ran out', () => {
    expect(nextTry(budget, caps, { attempts: 1, firstAt: 0, now: 1_000 }, () => 0.5)).toEqual({
      retry: true,
      delayMs: 50,
    });
    expect(nextTry(budget, caps, { attempts: 5, firstAt: 0, now: 1_000 }, () => 0.5)).toEqual({
      retry: false,
      reason: 'attempts',
    });
    expect(nextTry(budget, caps, { attempts: 2, firstAt: 0, now: 119_950 }, () => 1)).toEqual({
      retry: false,
      reason: 'time',
    });
  });
});
