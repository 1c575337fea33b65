// From the batch builder to the ledger: expand a spec and store the batch with all its jobs, so the
// Compose page, the CLI and tests queue batches the same way. The jobs go to the ledger as patches of the batch's
// workflow, one at a time from the expansion: a 100,000-job batch is never in memory at once.

import type { BatchSpecInput as BatchSpec } from '../../preload/schemas/jobs';
import type { ApiWorkflow } from '../comfy/workflow-types';
import type { NodeCatalog } from '../comfy/node-catalog';
import { inspectBatch, planJobs, type ExpansionOptions, type JobPlan } from './batch-expansion';
import { jobValidator, randomSeedBound } from './batch-validation';
import { promptList } from './sweep-axes';
import type { Ledger, NewBatchOfPatches, NewMember } from '../ledger/ledger';
import type { BatchRecord } from '../ledger/ledger-rows';

export interface QueueBatchRequest {
  /** The service; for a pool batch (with `members`) it is not used. */
  serviceId: string;
  /** A pool batch: the services that share its jobs, those left out with their reason (see pool-members.ts). */
  members?: readonly NewMember[];
  workflow: ApiWorkflow;
  /** The library workflow it came from, when it did. */
  workflowId?: string | null;
  spec: BatchSpec;
  /** Shown as the batch's title; made from the first prompt (or the workflow's name) when omitted. */
  label?: string;
  /** The library workflow's name: the title of a batch with no prompt of its own (an upscale, an img2img). */
  workflowName?: string;
}

const LABEL_LENGTH = 60;

/** A short title for a batch: its first prompt (or the workflow's name), and how many prompts follow. */
export function batchLabel(prompts: readonly (string | null)[], workflowName?: string): string {
  const first = prompts[0] ?? (workflowName?.trim() || 'Workflow');
  const short = first.length > LABEL_LENGTH ? `${first.slice(0, LABEL_LENGTH - 1)}…` : first;
  const others = new Set(prompts).size - 1;
  return others > 0 ? `${short} (+${others} more prompts)` : short;
}

export interface QueueOptions extends ExpansionOptions {
  /** The service's node catalogue, when one is at hand: every job is validated against it first. */
  catalog?: NodeCatalog;
  /** A pool's: every job is validated against each active member's catalogue that is at hand. */
  catalogs?: readonly NodeCatalog[];
}

/**
 * Stores the batch whole, in this turn of the event loop (tests, tools). The app queues with queueBatchInTurns.
 * Throws the expansion's or the catalogue's ValidationError and stores nothing.
 */
export function queueBatch(
  ledger: Ledger,
  request: QueueBatchRequest,
  options: QueueOptions = {},
): { batch: BatchRecord; jobIds: string[] } {
  return ledger.createBatch(batchToStore(request, options));
}

/** As queueBatch, a chunk of jobs per turn of the event loop, so a 100,000-job batch does not stall the app. */
export function queueBatchInTurns(
  ledger: Ledger,
  request: QueueBatchRequest,
  options: QueueOptions = {},
): Promise<{ batch: BatchRecord; jobIds: string[] }> {
  return ledger.createBatchInTurns(batchToStore(request, options));
}

/**
 * The batch as the ledger stores it: the workflow once and a patch per job, expanded (and checked against the
 * catalogue, when there is one) job by job as the ledger writes them. A job refused half-way removes the half-stored,
 * still hidden batch. Random seeds are drawn here, once, and kept in each job's parameters, so a retry or a restart
 * sends the same seed.
 */
function batchToStore(request: QueueBatchRequest, options: QueueOptions): NewBatchOfPatches {
  const label = request.label?.trim() || batchLabel(promptList(request.spec), request.workflowName);
  const expansion: ExpansionOptions = {
    ...(options.random ? { random: options.random } : {}),
    ...(options.wildcards ? { wildcards: options.wildcards } : {}),
  };
  const catalogs = [...(options.catalog ? [options.catalog] : []), ...(options.catalogs ?? [])];
  let validate: ((plan: JobPlan) => void) | undefined;
  if (catalogs.length > 0) {
    const { seedInputs } = inspectBatch(request.workflow, request.spec, expansion);
    // The tightest seed bound of all: a random seed drawn once must suit whichever member sends the job.
    for (const catalog of catalogs) {
      const bound = randomSeedBound(request.workflow, seedInputs, catalog);
      if (bound !== undefined && (expansion.maxRandomSeed === undefined || bound < expansion.maxRandomSeed))
        expansion.maxRandomSeed = bound;
    }
    const validators = catalogs.map((catalog) => jobValidator(request.workflow, catalog));
    validate = (plan) => {
      for (const check of validators) check(plan);
    };
  }
  const plans = planJobs(request.workflow, request.spec, expansion);
  return {
    serviceId: request.serviceId,
    ...(request.members ? { members: request.members } : {}),
    workflowId: request.workflowId ?? null,
    label,
    spec: request.spec,
    workflow: request.workflow,
    patches: (function* () {
      for (const plan of plans) {
        validate?.(plan);
        yield plan.patch;
      }
    })(),
  };
}
