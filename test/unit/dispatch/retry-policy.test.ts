// Which send failures come back, and when.
import { describe, expect, it } from 'vitest';
import { AuthError, NetworkError, ServiceError, TimeoutError, ValidationError } from '../../../main/errors';
import { classifyFailure, retryDelay } from '../../../main/dispatch/retry-policy';

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
