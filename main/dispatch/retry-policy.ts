// Which failures of a send are retried, and for how long. Transient ones (network, timeouts, 5xx, 429) come back with
// capped exponential backoff and jitter, so that a hundred jobs failing together do not return together; validation,
// auth and the failures an edition calls permanent (ComfyUI's 500 on /prompt) are final: sending the same thing
// again cannot succeed. A budget in attempts AND time bounds the retries, so a dead service is reported within
// minutes, not after a quarter of an hour of silent waits.
import { backoffDelay, nextTry } from '../editions/backoff';
import { isArtlabError, type ErrorKind } from '../errors';
import { codedErrorOf, type CodedError } from '../ledger/coded-error';

export interface RetryPolicy {
  /** The first wait (ms); each later attempt doubles it. */
  baseMs: number;
  /** The longest wait (ms). */
  maxMs: number;
  /** After this many sends the job fails for good. */
  maxAttempts: number;
  /** No retry is sent later than this after the first send of the job (ms). */
  withinMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 2_000, maxMs: 30_000, maxAttempts: 5, withinMs: 2 * 60_000 };

export interface FailureVerdict {
  kind: ErrorKind;
  message: string;
  /** `message` as a code the renderer words, when the error had one. */
  coded?: CodedError;
  /** The job may be sent again (with the same identity). */
  retryable: boolean;
  /** The service refused the credentials: stop sending to it until it is edited. */
  auth: boolean;
  /**
   * The service could not be reached, did not answer or answered that it cannot take work now (a transient failure
   * of the service rather than of this job): past the budget, the whole service waits.
   */
  unreachable: boolean;
}

export function classifyFailure(error: unknown): FailureVerdict {
  if (isArtlabError(error)) {
    return {
      kind: error.kind,
      message: error.message,
      coded: codedErrorOf(error),
      retryable: error.retryable,
      auth: error.kind === 'auth',
      unreachable: error.retryable,
    };
  }
  return {
    kind: 'internal',
    message: 'Something went wrong inside ArtLab Desktop while sending this job. The details are in the log.',
    coded: { code: 'internal', params: {} },
    retryable: false,
    auth: false,
    unreachable: false,
  };
}

/** The wait before attempt `attempts + 1`: half of it fixed, half random, so that retries spread out. */
export function retryDelay(
  policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>,
  attempts: number,
  random: () => number,
): number {
  return backoffDelay(attempts, { initialMs: policy.baseMs, maxMs: policy.maxMs, jitter: 'equal' }, random);
}

export type RetryDecision =
  | { retry: true; at: number }
  | {
      retry: false;
      reason: 'permanent' | 'attempts' | 'time';
      message: string;
      /** When the budget ran out: how many sends over how many seconds (the renderer words it after the cause). */
      givenUp?: { sends: number; seconds: number };
    };

/**
 * What happens after a failed send: another one at `at`, or the end of the job with a message that says why (the
 * failure's own sentence, and, when the budget ran out, how many sends over how long).
 */
export function decideRetry(
  policy: RetryPolicy,
  verdict: FailureVerdict,
  progress: { attempts: number; firstAt: number; now: number },
  random: () => number,
): RetryDecision {
  if (!verdict.retryable) return { retry: false, reason: 'permanent', message: verdict.message };
  const next = nextTry(
    { maxAttempts: policy.maxAttempts, withinMs: policy.withinMs },
    { initialMs: policy.baseMs, maxMs: policy.maxMs, jitter: 'equal' },
    progress,
    random,
  );
  if (next.retry) return { retry: true, at: progress.now + next.delayMs };
  const seconds = Math.max(1, Math.round((progress.now - progress.firstAt) / 1000));
  const sends = progress.attempts === 1 ? '1 send' : `${progress.attempts} sends`;
  return {
    retry: false,
    reason: next.reason,
    message: `${verdict.message} Given up after ${sends} over ${seconds} s; retry the job once the service answers.`,
    givenUp: { sends: progress.attempts, seconds },
  };
}
