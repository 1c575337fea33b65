// The states of a job and which operation may move it from where (DESIGN.md: pending → submitting → queued → running →
// succeeded | failed | cancelled | lost). The ledger applies each transition with `WHERE state IN (...)`, so a late
// event that races a cancel or a result changes nothing and reports that it did not apply.

import type { z } from 'zod';
import { JOB_STATES, JobStateSchema } from '../../preload/schemas/jobs';

// The contract (preload/schemas/jobs.ts) is the one list of states; the ledger checks its rows against it.
export { JOB_STATES };
export const jobStateSchema = JobStateSchema;
export type JobState = z.infer<typeof jobStateSchema>;

export const TERMINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled', 'lost'];

/** States in which the service may know the job: what recovery reconciles after a restart. */
export const REMOTE_STATES: readonly JobState[] = ['submitting', 'queued', 'running'];

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** Where each operation may start from. A result has its own rules (see resultState). */
export const TRANSITIONS = {
  /** The identity is written before the request is sent; a retry reuses the identity a pending job already has. */
  assignIdentity: ['pending'],
  markQueued: ['submitting', 'queued'],
  markRunning: ['submitting', 'queued'],
  markFailed: ['pending', 'submitting', 'queued', 'running'],
  /** A transient failure puts the job back to pending with a time for the next attempt. */
  scheduleRetry: ['submitting', 'queued', 'running'],
  markCancelled: ['pending', 'submitting', 'queued', 'running'],
  markLost: ['submitting', 'queued', 'running'],
  /** The artist's "retry" on a finished job that did not succeed: a new attempt with a new identity. */
  retryJob: ['failed', 'cancelled', 'lost'],
} as const satisfies Record<string, readonly JobState[]>;

/**
 * The state a job moves to when its result arrives, or null to leave it as it is. A result proves the service ran
 * the job, so it wins over what we had guessed (lost, failed after giving up, a pending retry). A successful result
 * also wins over cancelled: the images exist and an artist would rather see them than lose them. A failure result
 * for a cancelled job is what an interrupt produces, so the job stays cancelled. Succeeded is final.
 */
export function resultState(current: JobState, failed: boolean): JobState | null {
  if (current === 'succeeded') return null;
  if (!failed) return 'succeeded';
  if (current === 'cancelled') return null;
  return 'failed';
}
