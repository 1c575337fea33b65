// Ledger records as the contract carries them: big integers become decimal text (JSON transports cannot carry
// bigint), and only the fields the schemas name.
import type { BatchSummaryDto, JobDto } from '../../preload/schemas/jobs';
import { toJsonDto } from '../comfy/json-dto';
import { isTerminal, JOB_STATES } from './job-state';
import type { BatchSummary, JobRecord } from './ledger';

export function toJobDto(job: JobRecord): JobDto {
  return {
    id: job.id,
    batchId: job.batchId,
    serviceId: job.serviceId,
    seq: job.seq,
    state: job.state,
    identity: job.identity,
    params: Object.fromEntries(Object.entries(job.params).map(([key, value]) => [key, toJsonDto(value)])),
    attempts: job.attempts,
    error: job.error,
    queueIndex: job.queueIndex,
    progress: job.progress,
    createdAt: job.createdAt,
    submittedAt: job.submittedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    nextAttemptAt: job.nextAttemptAt,
    duplicatePossible: job.duplicatePossible,
  };
}

export function isBatchFinished(summary: BatchSummary): boolean {
  return JOB_STATES.every((state) => isTerminal(state) || summary.counts[state] === 0);
}

export function toBatchSummaryDto(summary: BatchSummary): BatchSummaryDto {
  const { batch, counts, members } = summary;
  return {
    id: batch.id,
    serviceId: batch.serviceId,
    ...(members
      ? {
          members: members.map(({ serviceId, state, reason }) => ({
            serviceId,
            state,
            reason: reason && { ...reason },
          })),
        }
      : {}),
    workflowId: batch.workflowId,
    label: batch.label,
    total: batch.total,
    paused: batch.paused,
    createdAt: batch.createdAt,
    counts: { ...counts },
    finished: isBatchFinished(summary),
  };
}
