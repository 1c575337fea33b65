import { describe, expect, it } from 'vitest';
import { JOB_STATES, isTerminal, resultState, TRANSITIONS } from '../../../main/ledger/job-state';

describe('job states', () => {
  it('lets a successful result win over every state but succeeded: the images exist', () => {
    const after = Object.fromEntries(JOB_STATES.map((state) => [state, resultState(state, false)]));
    expect(after).toEqual({
      pending: 'succeeded',
      submitting: 'succeeded',
      queued: 'succeeded',
      running: 'succeeded',
      succeeded: null,
      failed: 'succeeded',
      cancelled: 'succeeded',
      lost: 'succeeded',
    });
  });

  it('lets a failure result end an unfinished job as failed, but keeps cancelled and succeeded as they are', () => {
    const after = Object.fromEntries(JOB_STATES.map((state) => [state, resultState(state, true)]));
    expect(after).toEqual({
      pending: 'failed',
      submitting: 'failed',
      queued: 'failed',
      running: 'failed',
      succeeded: null,
      failed: 'failed',
      cancelled: null,
      lost: 'failed',
    });
  });

  it('never moves a terminal job by an operation other than the artist’s retry', () => {
    for (const [operation, from] of Object.entries(TRANSITIONS)) {
      const terminal = (from as readonly (typeof JOB_STATES)[number][]).filter(isTerminal);
      expect([operation, terminal]).toEqual([
        operation,
        operation === 'retryJob' ? ['failed', 'cancelled', 'lost'] : [],
      ]);
    }
  });
});
