// Ledger records as the contract carries them: big integers become decimal text (JSON transports cannot carry
// bigint), and only the fields the schemas name.
import type { BatchSummaryDto, JobDto, JsonDto } from '../../preload/schemas/jobs';
import type { JsonValue } from '../comfy/json-bigint';
import { isTerminal, JOB_STATES } from '../ledger/job-state';
import type { BatchSummary, JobRecord } from '../ledger/ledger';

export function toJsonDto(value: JsonValue): JsonDto {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJsonDto);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toJsonDto(inner)]));
  }
  return value;
}

export function toLiteralDto(value: string | number | bigint | boolean): string | number | boolean {
  return typeof value === 'bigint' ? value.toString() : value;
}

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
  const { batch, counts } = summary;
  return {
    id: batch.id,
    serviceId: batch.serviceId,
    workflowId: batch.workflowId,
    label: batch.label,
    total: batch.total,
    paused: batch.paused,
    createdAt: batch.createdAt,
    counts: { ...counts },
    finished: isBatchFinished(summary),
  };
}
