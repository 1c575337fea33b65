// A job's time is up. A job the service still holds (a long EAS queue, a slow render) gets another period; one it no
// longer knows, whose result never came, is lost. When the service cannot be asked, the job is lost too: the artist
// can retry it, and a result that comes later still wins (see resultState).
import type { EditionResult, RemoteJobState } from '../editions/edition';
import { REMOTE_STATES } from '../ledger/job-state';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log/logger';
import { receiptOf, type Lane } from './scheduler-lane';

export interface TimeoutDeps {
  ledger: Ledger;
  lane: Lane;
  timeoutMs: number;
  now: () => number;
  /** Stores a result the service still had. */
  onResult: (result: EditionResult) => Promise<void>;
  /** The job reached a final state: stop following it and tell the listeners. */
  settled: (jobId: string) => void;
  logger: Logger;
}

export async function jobTimedOut(jobId: string, deps: TimeoutDeps): Promise<void> {
  const { ledger, lane } = deps;
  const job = ledger.getJob(jobId);
  if (!job || !REMOTE_STATES.includes(job.state) || job.identity === null) return;
  let remote: RemoteJobState = { state: 'unknown' };
  try {
    remote = await lane.target.edition.lookup(job.identity, receiptOf(job));
  } catch (error) {
    deps.logger.warn(`asking about job ${jobId} after its timeout failed`, error);
  }
  if (lane.closed) return;
  if (remote.state === 'queued' || remote.state === 'running') {
    lane.follow(jobId, job.batchId, job.identity, deps.now());
    return;
  }
  if (remote.state === 'done') {
    await deps.onResult(remote.result);
    return;
  }
  const minutes = Math.max(1, Math.round(deps.timeoutMs / 60_000));
  const message = `No result came within ${minutes} minutes of sending, and the service no longer knows the job. Retry it.`;
  if (ledger.markLost(jobId, message, { code: 'job-lost', params: { minutes } })) deps.settled(jobId);
}
