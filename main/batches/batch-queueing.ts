// From the batch builder to the ledger: expand a spec and store the batch with all its jobs in one step, so the
// Compose page, the CLI and tests queue batches the same way. The jobs go to the ledger as patches of the batch's
// workflow, one at a time from the expansion: a 100,000-job batch is never in memory at once.

import type { BatchSpecInput as BatchSpec } from '../../preload/schemas/jobs';
import type { ApiWorkflow } from '../comfy/workflow-types';
import type { NodeCatalog } from '../comfy/node-catalog';
import { inspectBatch, planJobs, type ExpansionOptions } from './batch-expansion';
import { randomSeedBound, validateBatchJobs } from './batch-validation';
import { cryptoRandomSource, seededRandomSource } from './seed-source';
import { promptList } from './sweep-axes';
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

export interface QueueOptions extends ExpansionOptions {
  /** The service's node catalogue, when one is at hand: every job is validated against it first. */
  catalog?: NodeCatalog;
}

/**
 * Expands the spec (throwing its ValidationError before anything is stored) and stores the batch. Random seeds are
 * drawn here, once, and kept in each job's parameters, so a retry or a restart sends the same seed.
 */
export function queueBatch(
  ledger: Ledger,
  request: QueueBatchRequest,
  options: QueueOptions = {},
): { batch: BatchRecord; jobIds: string[] } {
  const label = request.label?.trim() || batchLabel(promptList(request.spec));
  const expansion: ExpansionOptions = options.random ? { random: options.random } : {};
  const { catalog } = options;
  if (catalog) {
    const { seedInputs } = inspectBatch(request.workflow, request.spec);
    const maxRandomSeed = randomSeedBound(request.workflow, seedInputs, catalog);
    if (maxRandomSeed !== undefined) expansion.maxRandomSeed = maxRandomSeed;
    // Validation walks the plans once and storing walks them again: both must draw the same random seeds.
    const base = (options.random ?? cryptoRandomSource)();
    validateBatchJobs(
      request.workflow,
      planJobs(request.workflow, request.spec, { ...expansion, random: seededRandomSource(base) }),
      catalog,
    );
    expansion.random = seededRandomSource(base);
  }
  const plans = planJobs(request.workflow, request.spec, expansion);
  return ledger.createBatch({
    serviceId: request.serviceId,
    workflowId: request.workflowId ?? null,
    label,
    spec: request.spec,
    workflow: request.workflow,
    patches: (function* () {
      for (const plan of plans) yield plan.patch;
    })(),
  });
}
