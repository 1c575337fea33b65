// Which failures of a send are retried and when. Transient ones (network, timeouts, 5xx, 429) come back with capped
// exponential backoff and jitter, so that a hundred jobs failing together do not return together; validation and
// auth failures are final (sending the same thing again cannot succeed).
import { isArtlabError, type ErrorKind } from '../errors';

export interface RetryPolicy {
  /** The first wait (ms); each later attempt doubles it. */
  baseMs: number;
  /** The longest wait (ms). */
  maxMs: number;
  /** After this many sends the job fails for good. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 2_000, maxMs: 5 * 60_000, maxAttempts: 10 };

export interface FailureVerdict {
  kind: ErrorKind;
  message: string;
  /** The job may be sent again (with the same identity). */
  retryable: boolean;
  /** The service refused the credentials: stop sending to it until it is edited. */
  auth: boolean;
}

export function classifyFailure(error: unknown): FailureVerdict {
  if (isArtlabError(error)) {
    return { kind: error.kind, message: error.message, retryable: error.retryable, auth: error.kind === 'auth' };
  }
  return {
    kind: 'internal',
    message: 'Something went wrong inside ArtLab Desktop while sending this job. The details are in the log.',
    retryable: false,
    auth: false,
  };
}

/** The wait before attempt `attempts + 1`: half of it fixed, half random, so that retries spread out. */
export function retryDelay(policy: RetryPolicy, attempts: number, random: () => number): number {
  const exponent = Math.max(0, attempts - 1);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
