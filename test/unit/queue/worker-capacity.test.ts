// An API-edition service's room for pool work follows its workers: two jobs each, read at most every 30 s, the last
// figure kept when a read fails, and nothing claimed before the first read answers (nor from a queue with no consumer).
import { describe, expect, it } from 'vitest';
import { SLOTS_PER_WORKER, WorkerCapacity } from '../../../main/editions/queue/worker-capacity';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('worker capacity', () => {
  it('is unknown until the first read answers, then two slots per worker', async () => {
    let now = 0;
    const answers: (number | undefined | Error)[] = [4, 6];
    let reads = 0;
    const capacity = new WorkerCapacity(
      () => {
        reads++;
        const next = answers.shift();
        return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
      },
      () => now,
    );
    expect(capacity.slots()).toBeUndefined();
    await settle();
    expect(capacity.slots()).toBe(4 * SLOTS_PER_WORKER);
    now += 29_000;
    expect(capacity.slots()).toBe(8);
    expect(reads).toBe(1);
    now += 1_000;
    capacity.slots();
    await settle();
    expect(capacity.slots()).toBe(12);
    expect(reads).toBe(2);
  });

  it('keeps the last figure when a read fails, and says nothing when the queue does not tell', async () => {
    let now = 0;
    const answers: (number | undefined | Error)[] = [3, new Error('HTTP 503'), undefined];
    const capacity = new WorkerCapacity(
      () => {
        const next = answers.shift();
        return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
      },
      () => now,
    );
    capacity.slots();
    await settle();
    now += 30_000;
    capacity.slots();
    await settle();
    expect(capacity.slots()).toBe(6);
    now += 30_000;
    capacity.slots();
    await settle();
    expect(capacity.slots()).toBeUndefined();
  });

  it('reads no consumer at all as not said, so the lane keeps its own limit', async () => {
    const capacity = new WorkerCapacity(() => Promise.resolve(0));
    capacity.slots();
    await settle();
    expect(capacity.slots()).toBeUndefined();
  });
});
