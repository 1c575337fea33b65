// Ledger records as the contract carries them: big integers become decimal text (JSON transports cannot carry
// bigint), and only the fields the schemas name.
import type { BatchSummaryDto, JobDto } from '../../preload/schemas/jobs';
import { toJsonDto } from '../comfy/json-dto';
import { isTerminal, JOB_STATES } from './job-state';
import type { BatchSummary, JobRecord } from './ledger';

/** A page of jobs carries the first texts of each, cut short; `jobs.get` gives them whole. */
const DTO_TEXTS = 4;
const DTO_TEXT_CHARS = 2_000;
const excerptText = (text: string): string =>
  text.length > DTO_TEXT_CHARS ? `${text.slice(0, DTO_TEXT_CHARS - 1)}…` : text;

/** The texts a page of jobs (and a job's change) carries: the first few, each cut short. */
export function dtoTexts(job: Pick<JobRecord, 'texts'>): string[] {
  return job.texts.slice(0, DTO_TEXTS).map(excerptText);
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
    ...(job.texts.length > 0 ? { texts: dtoTexts(job) } : {}),
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
