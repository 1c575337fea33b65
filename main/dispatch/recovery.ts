// Restart recovery (DESIGN.md rule 4): every job the service may know of is reconciled from the ledger. A job caught
// between its identity being written and the reply (`submitting`) is looked up first and resent with the same
// identity only when the service does not know it — so an Exclusive prompt is never run twice. The queue edition looks
// the task_id up in the input queue and the sink: found in neither, it provably never arrived and is resent plainly;
// when the service cannot tell, the resend may duplicate an image, and the job says so. Jobs already queued or running
// are followed until their result arrives.
import type { RemoteJobState } from '../editions/edition';
import type { JobRecord } from '../ledger/ledger';

export interface RecoveryOps {
  /** What the service knows of the job's identity. */
  lookup(job: JobRecord): Promise<RemoteJobState>;
  /** Takes over a job the service knows (queued, running or done); false when it does not. */
  adopt(job: JobRecord, remote: RemoteJobState): boolean;
  /** Sends the job again with its stored identity. */
  resend(job: JobRecord, duplicatePossible: boolean): Promise<void>;
  /** Waits for the result of a job the service accepted before the restart. */
  follow(job: JobRecord): void;
  /** A lookup failed: handled like a failed send (transient ones retried later, with a lookup first). */
  failed(job: JobRecord, error: unknown): void;
}

export interface RecoveryOptions {
  /** False for the queue edition: only a lookup answering `absent` proves that a task never arrived. */
  lookupIsConclusive: boolean;
  /** How many lookups run at once. */
  parallel?: number;
}

export async function recoverJobs(
  jobs: readonly JobRecord[],
  ops: RecoveryOps,
  options: RecoveryOptions,
): Promise<void> {
  const submitting: JobRecord[] = [];
  for (const job of jobs) {
    if (job.identity === null) continue;
    if (job.state === 'submitting') submitting.push(job);
    else ops.follow(job);
  }
  const parallel = Math.max(1, options.parallel ?? 4);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let job = submitting[next++]; job !== undefined; job = submitting[next++]) {
      try {
        const remote = await ops.lookup(job);
        // Resent without a mark only when the service provably never received it.
        if (!ops.adopt(job, remote)) await ops.resend(job, !options.lookupIsConclusive && remote.state !== 'absent');
      } catch (error) {
        ops.failed(job, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, submitting.length) }, worker));
}
