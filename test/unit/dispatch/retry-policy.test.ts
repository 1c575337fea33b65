// Which send failures come back, and when.
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  NetworkError,
  PermanentServiceError,
  ServiceError,
  TimeoutError,
  ValidationError,
} from '../../../main/errors';
import { classifyFailure, decideRetry, retryDelay } from '../../../main/dispatch/retry-policy';

describe('the retry policy', () => {
  it('retries network failures, timeouts, 5xx and 429, and nothing else', () => {
    expect(classifyFailure(new NetworkError('down')).retryable).toBe(true);
    expect(classifyFailure(new TimeoutError('slow')).retryable).toBe(true);
    expect(classifyFailure(new ServiceError('busy', 503)).retryable).toBe(true);
    expect(classifyFailure(new ServiceError('slow down', 429)).retryable).toBe(true);
    expect(classifyFailure(new ServiceError('bad', 400)).retryable).toBe(false);
    expect(classifyFailure(new ValidationError('no such sampler', '3', 'sampler_name'))).toMatchObject({
      retryable: false,
      kind: 'validation',
    });
    expect(classifyFailure(new AuthError('token refused'))).toMatchObject({ retryable: false, auth: true });
  });

  it('reports an unexpected error as internal without its text', () => {
    const verdict = classifyFailure(new Error('ENOENT /home/me/.secret'));
    expect(verdict.kind).toBe('internal');
    expect(verdict.message).not.toContain('/home/me');
  });

  it('doubles the wait per attempt up to the cap, half of it random', () => {
    const policy = { baseMs: 1000, maxMs: 8000, maxAttempts: 8 };
    expect(retryDelay(policy, 1, () => 0)).toBe(500);
    expect(retryDelay(policy, 1, () => 1)).toBe(1000);
    expect(retryDelay(policy, 3, () => 1)).toBe(4000);
    expect(retryDelay(policy, 20, () => 1)).toBe(8000);
    expect(retryDelay(policy, 20, () => 0)).toBe(4000);
  });
});

describe('the retry budget', () => {
  const policy = { baseMs: 2_000, maxMs: 30_000, maxAttempts: 5, withinMs: 2 * 60_000 };

  it('never retries what ComfyUI calls permanent: its 500 on /prompt', () => {
    const verdict = classifyFailure(new PermanentServiceError('could not read the workflow (HTTP 500)', 500));
    expect(verdict.retryable).toBe(false);
    expect(decideRetry(policy, verdict, { attempts: 1, firstAt: 0, now: 10 }, () => 0.5)).toMatchObject({
      retry: false,
      reason: 'permanent',
    });
    // A gateway's 502/503 in front of the same service stays transient.
    expect(classifyFailure(new ServiceError('bad gateway', 502)).retryable).toBe(true);
  });

  it('gives up a /prompt that never answers within the budget, not after a quarter of an hour', () => {
    const verdict = classifyFailure(new TimeoutError('no answer within 30 s'));
    const timeoutMs = 30_000;
    let now = timeoutMs;
    let attempts = 1;
    for (;;) {
      const decision = decideRetry(policy, verdict, { attempts, firstAt: 0, now }, () => 1);
      if (!decision.retry) {
        expect(decision.message).toMatch(/Given up after \d sends over \d+ s/);
        break;
      }
      attempts += 1;
      now = decision.at + timeoutMs;
    }
    expect(attempts).toBeLessThanOrEqual(policy.maxAttempts);
    expect(now).toBeLessThanOrEqual(policy.withinMs + timeoutMs);
  });
});
