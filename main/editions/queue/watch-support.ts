// Small parts of the sink watcher that are easier to read alone: the clock with timers, its backoff (the shared one,
// counted from 0), and a bounded memory of what was handled.
import type { Clock } from '../../adapters';
import { backoffDelay as sharedBackoffDelay, type BackoffOptions } from '../backoff';

/** A clock that can also arm timers; `setTimer` returns the cancel. Tests pass their own. */
export interface TimerClock extends Clock {
  setTimer(callback: () => void, ms: number): () => void;
}

export const systemTimerClock: TimerClock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

export type { BackoffOptions };

/**
 * Full jitter (a uniform draw between 0 and the capped exponential): clients that lost the same server do not come
 * back in step, which is what turns a restart into a reconnect storm. `failures` counts from 0 here (the first wait
 * already draws from `initialMs`), hence the shift into the shared computation.
 */
export function backoffDelay(failures: number, options: BackoffOptions, random: () => number): number {
  return sharedBackoffDelay(failures + 1, { ...options, jitter: 'full' }, random);
}

/** A set that forgets its oldest entries beyond `limit`, so hours of results do not grow memory without end. */
export class BoundedSet<T> {
  private readonly items = new Set<T>();
  constructor(private readonly limit: number) {}

  has(item: T): boolean {
    return this.items.has(item);
  }

  add(item: T): void {
    this.items.delete(item);
    this.items.add(item);
    if (this.items.size <= this.limit) return;
    const oldest = this.items.values().next();
    if (!oldest.done) this.items.delete(oldest.value);
  }

  delete(item: T): void {
    this.items.delete(item);
  }

  get size(): number {
    return this.items.size;
  }
}
