// Reconnect delays: capped exponential with jitter, so that many clients of a restarted service do not come back in
// step (STYLE.md: the reconnect storm of @saintno/comfyui-sdk issue #21).

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** [0, 1) source, injectable so tests are deterministic. */
  random?: () => number;
}

/** The delay before attempt `attempt` (1-based): a random value in [d/2, d], d = min(max, initial × 2^(attempt−1)). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, initial * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
