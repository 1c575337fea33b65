// Reconnect and poll delays of the Exclusive edition, in the shape its clients configure them (every field optional,
// the dice inside the options). The computation is the shared one (../backoff.ts), with equal jitter: a poll or a
// reconnect never collapses to an immediate retry.
import { backoffDelay as sharedBackoffDelay } from '../backoff';

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** [0, 1) source, injectable so tests are deterministic. */
  random?: () => number;
}

/** The delay before attempt `attempt` (1-based): a random value in [d/2, d], d = min(max, initial × 2^(attempt−1)). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  return sharedBackoffDelay(
    attempt,
    { initialMs: options.initialMs ?? 500, maxMs: options.maxMs ?? 30_000, jitter: 'equal' },
    options.random,
  );
}
