import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../main/editions/exclusive/backoff';

describe('reconnect backoff', () => {
  it('doubles from the initial delay and stays under the cap', () => {
    const top = { initialMs: 100, maxMs: 1_000, random: () => 0.999999 };
    expect([1, 2, 3, 4, 5, 10].map((attempt) => backoffDelay(attempt, top))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads clients over the upper half of each delay', () => {
    expect(backoffDelay(3, { initialMs: 100, maxMs: 1_000, random: () => 0 })).toBe(200);
    expect(backoffDelay(3, { initialMs: 100, maxMs: 1_000, random: () => 0.5 })).toBe(300);
  });
});
