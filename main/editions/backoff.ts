// Every wait before trying again (reconnects, polls, commits, sends, image downloads) is computed here: capped
// exponential growth with jitter, so that many clients of a restarted service do not come back in step (the reconnect
// storm of @saintno/comfyui-sdk issue #21), and a budget that says when to stop trying.

export interface BackoffOptions {
  /** The first ceiling (ms); each later failure doubles it. */
  initialMs: number;
  /** The largest ceiling (ms). */
  maxMs: number;
  /**
   * `full` (default): a uniform draw in [0, ceiling] — the widest spread. `equal`: in [ceiling/2, ceiling], for waits
   * that must not collapse to nothing (a poll interval, a reconnect to a service that is still restarting).
   */
  jitter?: 'full' | 'equal';
}

/** The exponent is capped so that 2^n stays finite for any failure count. */
const MAX_DOUBLINGS = 30;

/**
 * The wait after `failures` consecutive failures (1 = the first): ceiling = min(max, initial × 2^(failures−1)).
 * `random` returns [0, 1) and is injectable so tests are deterministic.
 */
export function backoffDelay(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  const doublings = Math.max(0, Math.min(failures - 1, MAX_DOUBLINGS));
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** doublings);
  const draw = Math.max(0, Math.min(1, random()));
  if (options.jitter === 'equal') return Math.round(ceiling / 2 + (ceiling / 2) * draw);
  return Math.floor(draw * ceiling);
}

/** How long, and how many times, one piece of work is tried before it is given up. */
export interface RetryBudget {
  /** Most tries in all, the first one included. */
  maxAttempts: number;
  /** No try starts later than this after the first one (ms). */
  withinMs: number;
}

export type BudgetVerdict = { retry: true; delayMs: number } | { retry: false; reason: 'attempts' | 'time' };

/**
 * Whether another try fits the budget after `attempts` tries, the first at `firstAt`, and how long to wait for it.
 * A try that would start past the budget's end is not made: a failure is reported now rather than after a wait that
 * cannot end well.
 */
export function nextTry(
  budget: RetryBudget,
  backoff: BackoffOptions,
  progress: { attempts: number; firstAt: number; now: number },
  random: () => number = Math.random,
): BudgetVerdict {
  if (progress.attempts >= budget.maxAttempts) return { retry: false, reason: 'attempts' };
  const delayMs = backoffDelay(progress.attempts, backoff, random);
  if (progress.now + delayMs - progress.firstAt > budget.withinMs) return { retry: false, reason: 'time' };
  return { retry: true, delayMs };
}
