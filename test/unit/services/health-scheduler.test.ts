import { describe, expect, it } from 'vitest';
import { HealthScheduler } from '../../../main/services/health-scheduler';

function nextRound(scheduler: HealthScheduler): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = scheduler.onRound(() => {
      unsubscribe();
      resolve();
    });
  });
}

describe('the periodic health check', () => {
  it('checks every service once per round, one after another', async () => {
    const checked: string[] = [];
    let running = 0;
    let overlapped = false;
    const scheduler = new HealthScheduler({
      intervalMs: 5,
      firstDelayMs: 0,
      serviceIds: () => ['a', 'b', 'c'],
      check: async (id) => {
        running += 1;
        if (running > 1) overlapped = true;
        await Promise.resolve();
        checked.push(id);
        running -= 1;
      },
    });
    await nextRound(scheduler);
    await scheduler.close();
    expect(checked.slice(0, 3)).toEqual(['a', 'b', 'c']);
    expect(overlapped).toBe(false);
  });

  it('goes on with the round when one check throws, and records it', async () => {
    const errors: string[] = [];
    const checked: string[] = [];
    const scheduler = new HealthScheduler({
      intervalMs: 5,
      firstDelayMs: 0,
      serviceIds: () => ['bad', 'good'],
      check: (id) => {
        if (id === 'bad') return Promise.reject(new Error('bug'));
        checked.push(id);
        return Promise.resolve();
      },
      onError: (id) => errors.push(id),
    });
    await nextRound(scheduler);
    await scheduler.close();
    expect(errors[0]).toBe('bad');
    expect(checked[0]).toBe('good');
  });

  it('aborts a check in flight on close, and runs no round after it', async () => {
    let started: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    let rounds = 0;
    const scheduler = new HealthScheduler({
      intervalMs: 1,
      firstDelayMs: 0,
      serviceIds: () => ['slow'],
      check: (_id, signal) => {
        rounds += 1;
        started();
        return new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason as Error)),
        );
      },
      onError: () => {
        throw new Error('an aborted check is not an error to record');
      },
    });
    await inFlight;
    await scheduler.close();
    expect(rounds).toBe(1);
  });

  it('close waits for a round in flight', async () => {
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    let finished = false;
    let rounds = 0;
    const scheduler = new HealthScheduler({
      intervalMs: 1,
      firstDelayMs: 0,
      serviceIds: () => ['a'],
      check: async () => {
        rounds += 1;
        started();
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
      },
    });
    await inFlight;
    const closing = scheduler.close();
    release();
    await closing;
    expect(finished).toBe(true);
    expect(rounds).toBe(1);
  });
});
