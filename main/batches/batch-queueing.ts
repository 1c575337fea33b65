// From the batch builder to the ledger: expand a spec and store the batch with all its jobs in one step, so the
// Compose page, the CLI and tests queue batches the same way.

import type { ApiWorkflow } from '../comfy/workflow-types';
import { expandBatch, type ExpansionOptions } from './batch-expansion';
import type { BatchSpec } from './batch-spec';
import type { Ledger } from '../ledger/ledger';
import type { BatchRecord } from '../ledger/ledger-rows';

export interface QueueBatchRequest {
  serviceId: string;
  workflow: ApiWorkflow;
  /** The library workflow it came from, when it did. */
  workflowId?: string | null;
  spec: BatchSpec;
  /** Shown as the batch's title; made from the first prompt when omitted. */
  label?: string;
}

const LABEL_LENGTH = 60;

/** A short title for a batch: its first prompt (or "Workflow"), and how many prompts follow. */
export function batchLabel(prompts: readonly (string | null)[]): string {
  const first = prompts[0] ?? 'Workflow';
  const short = first.length > LABEL_LENGTH ? `${first.slice(0, LABEL_LENGTH - 1)}…` : first;
  const others = new Set(prompts).size - 1;
  return others > 0 ? `${short} (+${others} more prompts)` : short;
}

/**
 * Expands the spec (throwing its ValidationError before anything is stored) and stores the batch. Random seeds are
 * drawn here, once, and kept in each job's parameters, so a retry or a restart sends the same seed.
 */
export function queueBatch(
  ledger: Ledger,
  request: QueueBatchRequest,
  options?: ExpansionOptions,
): { batch: BatchRecord; jobIds: string[] } {
  const jobs = expandBatch(request.workflow, request.spec, options);
  return ledger.createBatch({
    serviceId: request.serviceId,
    workflowId: request.workflowId ?? null,
    label: request.label?.trim() || batchLabel(jobs.map((job) => job.prompt)),
    spec: request.spec,
    jobs: jobs.map((job) => ({ workflow: job.workflow, params: job.patch })),
  });
}
