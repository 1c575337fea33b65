// Rows as SQLite returns them, parsed with zod (the database file is a boundary: another version may have written
// it), and the records the rest of the app works with.

import { z } from 'zod';
import { parseJson, type JsonValue } from '../comfy/json-bigint';
import { parseWorkflow } from '../comfy/workflow-parse';
import { patchWorkflow } from '../comfy/workflow-patch';
import { isLiteral, type ApiWorkflow, type LiteralValue } from '../comfy/workflow-types';
import type { MessageParams } from '../../preload/schemas/common';
import { StorageError } from '../errors';
import { parseStoredParams } from './coded-error';
import { jobStateSchema, type JobState } from './job-state';

const text = z.string();
const maybeText = z.string().nullable();
const integer = z.number().int();
const maybeInteger = z.number().int().nullable();

export const JOB_COLUMNS =
  'id, batch_id, service_id, seq, state, identity, params, attempts, error_kind, error_message, queue_index, ' +
  'progress_value, progress_max, created_at, submitted_at, started_at, finished_at, next_attempt_at, duplicate_possible, ' +
  'error_code, error_params, texts';

const jobRowSchema = z.object({
  id: text,
  batch_id: text,
  service_id: text,
  seq: integer,
  state: jobStateSchema,
  identity: maybeText,
  params: text,
  attempts: integer,
  error_kind: maybeText,
  error_message: maybeText,
  queue_index: maybeInteger,
  progress_value: z.number().nullable(),
  progress_max: z.number().nullable(),
  created_at: integer,
  submitted_at: maybeInteger,
  started_at: maybeInteger,
  finished_at: maybeInteger,
  next_attempt_at: maybeInteger,
  duplicate_possible: z.union([z.literal(0), z.literal(1)]),
  // ledger step 8
  error_code: maybeText,
  error_params: maybeText,
  // ledger step 13
  texts: maybeText,
});

/** How a job failed, as the ledger keeps it (`code` and `params`: ledger step 8, absent on older rows). */
export interface JobFailure {
  kind: string;
  message: string;
  code?: string;
  params?: MessageParams;
}

/** Params that do not parse are left off with their code: the English sentence still stands. */
function jobFailure(kind: string, message: string, code: string | null, params: string | null): JobFailure {
  const values = code === null ? undefined : parseStoredParams(params);
  return code !== null && values ? { kind, message, code, params: values } : { kind, message };
}

export interface JobProgress {
  value: number;
  max: number;
  /** The node being executed, when the service says (Exclusive progress events). */
  node?: string;
}

export interface JobRecord {
  id: string;
  batchId: string;
  serviceId: string;
  /** Queue order: lower runs first. */
  seq: number;
  state: JobState;
  /** task_id (queue edition) or prompt_id (Exclusive); null until the first submit. */
  identity: string | null;
  /** The parameters this job set, `{"<node>.<input>": value}`; integers beyond 2^53 are bigint. */
  params: Record<string, JsonValue>;
  /** How many times it was sent. */
  attempts: number;
  /** The last failure: an ErrorKind and a sentence for the user, with its code and values when main made it. */
  error: JobFailure | null;
  queueIndex: number | null;
  progress: JobProgress | null;
  createdAt: number;
  submittedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Set while a transient failure waits for its retry. */
  nextAttemptAt: number | null;
  /** Resent with the same task_id after a restart: the queue edition may have run it twice. */
  duplicatePossible: boolean;
  /** What the job's text-showing nodes (PreviewAny, ShowText…) showed. */
  texts: string[];
}

function corrupt(what: string, detail: string): StorageError {
  return new StorageError(
    `The job database holds a ${what} this version cannot read (${detail}). It may have been changed by another program; move the file aside to start a new one.`,
  ).withCode('ledger-row-unreadable', { detail });
}

export function parseRow<T>(schema: z.ZodType<T>, row: unknown, what: string): T {
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw corrupt(what, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'malformed'}`);
}

export function parseJsonColumn(value: string, what: string): JsonValue {
  try {
    return parseJson(value);
  } catch (error) {
    throw corrupt(what, error instanceof Error ? error.message : String(error));
  }
}

function asRecord(value: JsonValue, what: string): Record<string, JsonValue> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  throw corrupt(what, 'expected an object');
}

export function toJobRecord(row: unknown): JobRecord {
  const r = parseRow(jobRowSchema, row, 'job');
  return {
    id: r.id,
    batchId: r.batch_id,
    serviceId: r.service_id,
    seq: r.seq,
    state: r.state,
    identity: r.identity,
    params: asRecord(parseJsonColumn(r.params, 'job parameter list'), 'job parameter list'),
    attempts: r.attempts,
    error: r.error_kind !== null ? jobFailure(r.error_kind, r.error_message ?? '', r.error_code, r.error_params) : null,
    queueIndex: r.queue_index,
    progress:
      r.progress_value !== null && r.progress_max !== null ? { value: r.progress_value, max: r.progress_max } : null,
    createdAt: r.created_at,
    submittedAt: r.submitted_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    nextAttemptAt: r.next_attempt_at,
    duplicatePossible: r.duplicate_possible === 1,
    texts: jobTexts(r.texts),
  };
}

/** `jobs.texts`: a JSON list of strings, or null; anything else (a damaged row) reads as none. */
function jobTexts(column: string | null): string[] {
  if (column === null) return [];
  try {
    const value: unknown = JSON.parse(column);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * `jobs.workflow` of a job stored as its patch (`jobs.params`) of its batch's workflow (`batches.workflow`, ledger
 * step 5): the column is NOT NULL and SQLite cannot drop that without copying the table, so the empty text marks it.
 * Jobs written before step 5 (and batches created with a workflow per job) keep their full copy.
 */
export const PATCHED_JOB_WORKFLOW = '';

/** The columns jobWorkflowOf() reads, from `jobs j JOIN batches b ON b.id = j.batch_id`. */
export const JOB_WORKFLOW_COLUMNS = 'j.workflow AS job_workflow, j.params AS job_params, b.workflow AS batch_workflow';

const jobWorkflowRowSchema = z.object({ job_workflow: text, job_params: text, batch_workflow: maybeText });

/** The workflow a job sends: its own copy, or its batch's workflow with the job's parameters set. */
export function jobWorkflowOf(row: unknown): ApiWorkflow {
  const r = parseRow(jobWorkflowRowSchema, row, 'job workflow');
  if (r.job_workflow !== PATCHED_JOB_WORKFLOW) {
    return parseWorkflow(parseJsonColumn(r.job_workflow, 'job workflow'));
  }
  if (r.batch_workflow === null) throw corrupt('job workflow', 'the job has neither a workflow nor a batch workflow');
  const patch: Record<string, LiteralValue> = {};
  for (const [id, value] of Object.entries(
    asRecord(parseJsonColumn(r.job_params, 'job parameter list'), 'job parameter list'),
  )) {
    if (!isLiteral(value)) throw corrupt('job parameter list', `${id} is not a literal value`);
    patch[id] = value;
  }
  return patchWorkflow(batchWorkflowOf(r.batch_workflow), patch);
}

/**
 * The last few batch workflows parsed, by their stored text: every job of a batch patches the same one, and parsing
 * (JSON and the workflow schema) was most of what reading a job to send it cost. patchWorkflow patches a copy, so a
 * cached workflow is never changed.
 */
const parsedBatchWorkflows = new Map<string, ApiWorkflow>();
const PARSED_BATCH_WORKFLOWS = 4;

function batchWorkflowOf(text: string): ApiWorkflow {
  const cached = parsedBatchWorkflows.get(text);
  if (cached) return cached;
  const workflow = parseWorkflow(parseJsonColumn(text, 'batch workflow'));
  if (parsedBatchWorkflows.size >= PARSED_BATCH_WORKFLOWS) {
    const oldest = parsedBatchWorkflows.keys().next();
    if (!oldest.done) parsedBatchWorkflows.delete(oldest.value);
  }
  parsedBatchWorkflows.set(text, workflow);
  return workflow;
}

const batchRowSchema = z.object({
  id: text,
  service_id: text,
  workflow_id: maybeText,
  label: text,
  spec: text,
  total: integer,
  paused: z.union([z.literal(0), z.literal(1)]),
  created_at: integer,
});

export interface BatchRecord {
  id: string;
  serviceId: string;
  workflowId: string | null;
  label: string;
  /** The spec the batch was expanded from, as stored (for "queue again" and the batch header). */
  spec: JsonValue;
  total: number;
  paused: boolean;
  createdAt: number;
}

export function toBatchRecord(row: unknown): BatchRecord {
  const r = parseRow(batchRowSchema, row, 'batch');
  let spec: JsonValue | undefined;
  return {
    id: r.id,
    serviceId: r.service_id,
    workflowId: r.workflow_id,
    label: r.label,
    // Parsed when read, not with every batch: a spec of 100,000 prompts takes seconds and hundreds of MB to parse,
    // and the lists, summaries and the scheduler never look at it.
    get spec(): JsonValue {
      spec ??= parseJsonColumn(r.spec, 'batch spec');
      return spec;
    },
    total: r.total,
    paused: r.paused === 1,
    createdAt: r.created_at,
  };
}

export const workflowSourceSchema = z.enum(['starter', 'import', 'png']);
export type WorkflowSource = z.infer<typeof workflowSourceSchema>;

const workflowRowSchema = z.object({
  id: text,
  name: text,
  json: text,
  source: workflowSourceSchema,
  created_at: integer,
  updated_at: integer,
});
export type WorkflowRow = z.infer<typeof workflowRowSchema>;

export function parseWorkflowRow(row: unknown): WorkflowRow {
  return parseRow(workflowRowSchema, row, 'workflow');
}

export const imageStateSchema = z.enum(['pending', 'fetched', 'missing']);

/** An image row's columns from ledger step 1; the gallery's rows extend it (main/gallery/gallery-rows.ts). */
export const imageRowSchema = z.object({
  id: integer,
  result_id: integer,
  job_id: maybeText,
  service_id: text,
  node: text,
  kind: text,
  filename: text,
  subfolder: text,
  type: text,
  state: imageStateSchema,
  error: maybeText,
  sha256: maybeText,
  path: maybeText,
  width: maybeInteger,
  height: maybeInteger,
  positive: maybeText,
  negative: maybeText,
  seed: maybeText,
  model: maybeText,
  created_at: integer,
});

export interface ImageRecord {
  id: number;
  resultId: number;
  jobId: string | null;
  serviceId: string;
  node: string;
  kind: string;
  filename: string;
  subfolder: string;
  type: string;
  /** pending: not downloaded yet; fetched: on disk at `path`; missing: the service or OSS no longer has it. */
  state: z.infer<typeof imageStateSchema>;
  error: string | null;
  sha256: string | null;
  path: string | null;
  width: number | null;
  height: number | null;
  positive: string | null;
  negative: string | null;
  seed: string | null;
  model: string | null;
  createdAt: number;
}

export function toImageRecord(row: unknown): ImageRecord {
  const r = parseRow(imageRowSchema, row, 'image');
  return {
    id: r.id,
    resultId: r.result_id,
    jobId: r.job_id,
    serviceId: r.service_id,
    node: r.node,
    kind: r.kind,
    filename: r.filename,
    subfolder: r.subfolder,
    type: r.type,
    state: r.state,
    error: r.error,
    sha256: r.sha256,
    path: r.path,
    width: r.width,
    height: r.height,
    positive: r.positive,
    negative: r.negative,
    seed: r.seed,
    model: r.model,
    createdAt: r.created_at,
  };
}
