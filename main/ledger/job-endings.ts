// The SQL of a job's failure, retry wait and loss: what each ending writes, beside the ledger that runs it.
import type { CodedError, JobFailureInput } from './coded-error';
import { TRANSITIONS, type JobState } from './job-state';

export interface JobUpdate {
  from: readonly JobState[];
  set: string;
  values: (string | number | null)[];
}

/**
 * A failure. With `retryAt` (a transient failure: network, 5xx, 429) the job goes back to pending, keeps its identity
 * and waits until then; without, it ends as failed.
 */
export function failureUpdate(failure: JobFailureInput, retryAt: number | undefined, now: number): JobUpdate {
  const { kind, message, coded } = failure;
  const code = coded?.code ?? null;
  const params = coded ? JSON.stringify(coded.params) : null;
  if (retryAt !== undefined) {
    return {
      from: TRANSITIONS.scheduleRetry,
      set: `state = 'pending', error_kind = ?, error_message = ?, error_code = ?, error_params = ?, next_attempt_at = ?,
         progress_value = NULL, progress_max = NULL`,
      values: [kind, message, code, params, retryAt],
    };
  }
  return {
    from: TRANSITIONS.markFailed,
    set: `state = 'failed', error_kind = ?, error_message = ?, error_code = ?, error_params = ?, finished_at = ?,
       next_attempt_at = NULL`,
    values: [kind, message, code, params, now],
  };
}

/** No result came in time and the service does not know the job any more. */
export function lostUpdate(message: string, coded: CodedError | undefined, now: number): JobUpdate {
  return {
    from: TRANSITIONS.markLost,
    set: `state = 'lost', error_kind = 'timeout', error_message = ?, error_code = ?, error_params = ?, finished_at = ?`,
    values: [message, coded?.code ?? null, coded ? JSON.stringify(coded.params) : null, now],
  };
}
