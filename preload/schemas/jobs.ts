// Batches and jobs as the renderer sees them, and the workflow methods (Compose and Queue pages). Integers beyond 2^53 (seeds, INT
// bounds) cross as decimal text: JSON transports cannot carry bigint. Nothing here carries a secret.
import { z } from 'zod';
import { Empty, ErrorKindSchema, IdSchema, MessageParamsSchema, method } from './common';
import { ServiceConnectionSchema } from './connections';
import { BatchGridSchema } from './batch-grid';
import { JobStateSchema } from './job-state';
import { ServiceIdSchema } from './services';
import {
  CatalogueReadSchema,
  InputImageUploadSchema,
  LiteralDtoSchema,
  UploadedInputSchema,
  WorkflowDetailSchema,
  WorkflowImportSchema,
  WorkflowSummarySchema,
} from './workflows';

export { BatchGridSchema, type BatchGridDto } from './batch-grid';

export { JOB_STATES, JobStateSchema, type JobStateDto } from './job-state';

// The workflow library's schemas have their own file; batches and jobs refer to them, and importers find them here too.
export * from './workflows';

/** Any JSON value (big integers as decimal text), for stored specs and job parameters. */
export type JsonDto = string | number | boolean | null | JsonDto[] | { [key: string]: JsonDto };
export const JsonDtoSchema: z.ZodType<JsonDto> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonDtoSchema), z.record(z.string(), JsonDtoSchema)]),
);

// Batch builder

const SeedValue = z.union([z.string().max(40), z.number()]);

export const SeedPlanSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('fixed'), value: SeedValue }),
  z.object({ mode: z.literal('random') }),
  z.object({ mode: z.literal('increment'), start: SeedValue }),
  z.object({ mode: z.literal('list'), values: z.array(SeedValue).max(100_000) }),
]);

export const SweepSchema = z.union([
  z.object({ parameter: z.string(), values: z.array(LiteralDtoSchema).max(100_000) }),
  z.object({ parameter: z.string(), range: z.object({ start: z.number(), stop: z.number(), step: z.number() }) }),
]);

/**
 * What an artist asks for in the batch builder (and the CLI); main/batches/batch-expansion.ts turns it into jobs. The
 * one schema of a batch spec: the ledger stores it as given.
 */
export const BatchSpecInputSchema = z.object({
  /** One prompt per line (blank lines dropped) or a list. Omitted: the workflow's own prompt. */
  prompts: z.union([z.string().max(5_000_000), z.array(z.string()).max(100_000)]).optional(),
  /**
   * How `{a|b}` alternatives and `__name__` wildcards in the prompts expand: `combinatorial` (default) queues every
   * combination, `random` draws one per job (stored with it), `off` sends the prompts as written.
   */
  dynamicPrompts: z.enum(['combinatorial', 'random', 'off']).optional(),
  /** Replaces every negative prompt of the workflow. Omitted: the workflow's own. */
  negative: z.string().max(100_000).optional(),
  /**
   * `fixed`: every job the same seed; `random`: a fresh seed per job; `increment`: job k gets start + k (wrapping
   * past 2^64 − 1 to 0); `list`: every prompt once with each seed. Omitted: the workflow's own seed. A workflow with
   * no seed input takes `random` as "nothing to vary" and refuses the others.
   */
  seeds: SeedPlanSchema.optional(),
  /** How many times each combination is queued (default 1). */
  countPerPrompt: z.number().int().min(1).max(100_000).optional(),
  /** Inclusive ranges: start, start + step, … up to stop when a step lands on it. */
  sweeps: z.array(SweepSchema).max(20).optional(),
  /** `product` (default): every combination of the sweeps. `zip`: the i-th values of every sweep together. */
  combine: z.enum(['product', 'zip']).optional(),
  /** Values from the parameter form, `{"<node>.<input>": value}`; prompts, seeds and sweeps override them. */
  set: z.record(z.string(), LiteralDtoSchema).optional(),
  /**
   * Which inputs receive the prompt, the negative prompt and the seed; found from the workflow when omitted (every
   * seed input when it has several). `seed: []` gives the batch no seed axis.
   */
  targets: z
    .object({
      prompt: z.array(z.string()).optional(),
      negative: z.array(z.string()).optional(),
      seed: z.array(z.string()).optional(),
    })
    .optional(),
});
export type BatchSpecInput = z.infer<typeof BatchSpecInputSchema>;
export type SweepInput = z.infer<typeof SweepSchema>;

/** The wildcard files `__name__` in a prompt reads, for Settings. */
export const WildcardsSchema = z.object({
  folder: z.string(),
  files: z.array(z.object({ name: z.string(), entries: z.number().int() })),
});

export const OpenWildcardsSchema = z.object({
  path: z.string(),
  /** False where no file manager can be opened (browser demo): the UI shows the path instead. */
  opened: z.boolean(),
});

/** Above this many jobs, `batches.queue` needs `confirmLarge: true` (the UI asks first). */
export const LARGE_BATCH = 1_000;

export const BatchPreviewSchema = z.object({
  total: z.number().int(),
  /** Whether queueing needs the artist's confirmation (more than LARGE_BATCH jobs). */
  large: z.boolean(),
  /**
   * The repeats of a combination (count > 1) get the same seed, so they make identical images (ComfyUI answers a
   * repeated prompt from its cache): the page warns before queueing.
   */
  identicalRepeats: z.boolean(),
  /** The `<node>.<input>` ids the seed plan fills; empty when the batch has no seed axis. */
  seedInputs: z.array(z.string()),
  jobs: z.array(
    z.object({
      index: z.number().int(),
      prompt: z.string().nullable(),
      seed: z.string().nullable(),
      patch: z.record(z.string(), LiteralDtoSchema),
    }),
  ),
});
export type BatchPreviewDto = z.infer<typeof BatchPreviewSchema>;

// Batches and jobs

export const JobCountsSchema = z.object({
  pending: z.number().int(),
  submitting: z.number().int(),
  queued: z.number().int(),
  running: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  lost: z.number().int(),
});

/**
 * A job's last failure: its kind and main's English sentence (a service's own words are part of it), and the same
 * sentence as a code (ErrorCodeSchema) with its values when main made it, for the renderer to word.
 */
export const JobErrorSchema = z.object({
  kind: z.string(),
  message: z.string(),
  code: z.string().max(100).optional(),
  params: MessageParamsSchema.optional(),
});
export type JobErrorDto = z.infer<typeof JobErrorSchema>;

/** The most services one pool batch may name. */
export const MAX_POOL_MEMBERS = 16;

/** A service of a pool batch: active (takes work), drained (finishes what it accepted) or left (out, with why). */
export const BatchMemberSchema = z.object({
  serviceId: z.string(),
  state: z.enum(['active', 'drained', 'left']),
  reason: JobErrorSchema.nullable(),
});
export type BatchMemberDto = z.infer<typeof BatchMemberSchema>;

/**
 * A batch queued on a stopped service with "start it": held (nothing sent, no retry spent) until EAS says the GPU runs
 * and the service answers its health check; `failed` when the start failed or took too long (the batch stays paused).
 */
export const BatchHoldSchema = z.object({
  serviceId: z.string(),
  state: z.enum(['starting', 'failed']),
  /** EAS's status while starting (Waiting, Creating…), or why it failed. */
  status: z.string().optional(),
  reason: z.string().optional(),
  since: z.number(),
});
export type BatchHoldDto = z.infer<typeof BatchHoldSchema>;

export const BatchSummarySchema = z.object({
  id: IdSchema,
  /** The service; for a pool batch `pool:<batch id>`, and its services are in `members`. */
  serviceId: z.string(),
  members: z.array(BatchMemberSchema).optional(),
  held: BatchHoldSchema.optional(),
  workflowId: z.string().nullable(),
  label: z.string(),
  total: z.number().int(),
  paused: z.boolean(),
  createdAt: z.number(),
  counts: JobCountsSchema,
  /** Every job is succeeded, failed, cancelled or lost. */
  finished: z.boolean(),
});
export type BatchSummaryDto = z.infer<typeof BatchSummarySchema>;

export const JobProgressSchema = z.object({ value: z.number(), max: z.number(), node: z.string().optional() });

export const JobDtoSchema = z.object({
  id: IdSchema,
  batchId: z.string(),
  /** The service it went to; `pool:<batch id>` while a pool batch's job waits for a member. */
  serviceId: z.string(),
  seq: z.number(),
  state: JobStateSchema,
  identity: z.string().nullable(),
  params: z.record(z.string(), JsonDtoSchema),
  attempts: z.number().int(),
  error: JobErrorSchema.nullable(),
  /** Queue edition: index in the input queue; Exclusive: ComfyUI's number. */
  queueIndex: z.number().nullable(),
  progress: JobProgressSchema.nullable(),
  createdAt: z.number(),
  submittedAt: z.number().nullable(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  nextAttemptAt: z.number().nullable(),
  /** Resent after a restart with the same task_id: an extra image is possible (absent from older mains). */
  duplicatePossible: z.boolean().optional(),
  /** What its text-showing nodes (PreviewAny, ShowText…) showed, when any did. */
  texts: z.array(z.string()).optional(),
});
export type JobDto = z.infer<typeof JobDtoSchema>;

export const JobFiltersSchema = z.object({
  batchId: z.string().optional(),
  serviceId: z.string().optional(),
  states: z.array(JobStateSchema).optional(),
  createdFrom: z.number().optional(),
  createdTo: z.number().optional(),
});

export const PageJobsInputSchema = z.object({
  filters: JobFiltersSchema.optional(),
  cursor: z.string().max(1000).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  order: z.enum(['queue', 'latest']).optional(),
});

export const JobPageSchema = z.object({ jobs: z.array(JobDtoSchema), nextCursor: z.string().nullable() });

export const OutputFileSchema = z.object({
  node: z.string(),
  kind: z.string(),
  filename: z.string(),
  subfolder: z.string(),
  type: z.string(),
});

export const JobDetailSchema = JobDtoSchema.extend({
  results: z.array(
    z.object({
      identity: z.string(),
      outputs: z.array(OutputFileSchema),
      error: z.string().nullable(),
      at: z.number(),
    }),
  ),
});
export type JobDetailDto = z.infer<typeof JobDetailSchema>;

// Events

/** One job's new state in a `jobs.changed` delta; fields other than id/state are present when they changed. */
export const JobChangeSchema = z.object({
  id: IdSchema,
  batchId: z.string(),
  serviceId: z.string(),
  state: JobStateSchema,
  progress: JobProgressSchema.nullable().optional(),
  /** Queue edition: jobs ahead of it in the input queue. */
  position: z.number().optional(),
  error: JobErrorSchema.nullable().optional(),
  /** Resent after a restart with the same task_id: the queue edition may run it twice, so an extra image is possible. */
  duplicatePossible: z.boolean().optional(),
  /** A send failed: how many sends were made so far, and why it failed (`error.message` of the failure). */
  attempt: z.number().int().optional(),
  reason: z.string().optional(),
  /** The failed send is tried again at this moment (ms since the epoch); absent when it was given up. */
  retryAt: z.number().optional(),
  /** What its text-showing nodes showed (cut short as in a page of jobs), once it has any. */
  texts: z.array(z.string()).optional(),
});
export type JobChangeDto = z.infer<typeof JobChangeSchema>;

/**
 * The kinds a job's `error.kind` takes (main/errors.ts ErrorKind); the field stays a string so a ledger row from a
 * newer build still parses, and the renderer words the kinds it knows.
 */
export const JobErrorKindSchema = ErrorKindSchema;
export type JobErrorKind = z.infer<typeof JobErrorKindSchema>;

const BatchIdInput = z.object({ batchId: IdSchema });
const JobIdInput = z.object({ jobId: IdSchema });
const WorkflowIdInput = z.object({ id: IdSchema });

export const jobMethods = {
  'workflows.list': method(Empty, z.array(WorkflowSummarySchema)),
  /** With `serviceId` of an Exclusive service, bounds and choices come from its /object_info. */
  'workflows.get': method(WorkflowIdInput.extend({ serviceId: ServiceIdSchema.optional() }), WorkflowDetailSchema),
  /** Forgets the service's node catalogue and reads it again (a model added since shows up in the form). */
  'workflows.refreshCatalogue': method(z.object({ serviceId: ServiceIdSchema }), CatalogueReadSchema),
  /** Puts an input image where the service reads it (Exclusive edition: ComfyUI's input folder, once per content). */
  'workflows.uploadImage': method(InputImageUploadSchema, UploadedInputSchema),
  /** JSON text or a ComfyUI PNG; the UI format is refused with how to export the API format. */
  'workflows.import': method(WorkflowImportSchema, WorkflowSummarySchema),
  'workflows.rename': method(
    WorkflowIdInput.extend({ name: z.string().trim().min(1).max(200) }),
    WorkflowSummarySchema,
  ),
  'workflows.duplicate': method(WorkflowIdInput, WorkflowSummarySchema),
  /** Batches made from it stay (they keep their own copy). */
  'workflows.delete': method(WorkflowIdInput, z.void()),
  /** How many jobs, and the first few, without storing anything. */
  'batches.wildcards': method(Empty, WildcardsSchema),
  'batches.openWildcards': method(Empty, OpenWildcardsSchema),
  'batches.preview': method(
    z.object({ workflowId: IdSchema, spec: BatchSpecInputSchema, count: z.number().int().min(0).max(50).optional() }),
    BatchPreviewSchema,
  ),
  /** Expands and stores the batch; more than LARGE_BATCH jobs need `confirmLarge: true`. */
  'batches.queue': method(
    z.object({
      /** The service to send the batch to; or `serviceIds` instead, for a pool. */
      serviceId: ServiceIdSchema.optional(),
      /** A pool: two or more services share the batch's jobs, each sent to the first with a free slot. */
      serviceIds: z.array(ServiceIdSchema).min(2).max(MAX_POOL_MEMBERS).optional(),
      workflowId: IdSchema,
      spec: BatchSpecInputSchema,
      label: z.string().trim().max(200).optional(),
      confirmLarge: z.boolean().optional(),
      /**
       * The service's GPU is stopped (EAS control): start it and hold the batch until it answers. Without it, a batch
       * for a stopped service is refused (`batch-service-stopped`) so that the artist chooses. In a pool, each member
       * whose GPU is stopped is started and joins once it answers; the others work meanwhile.
       */
      startService: z.boolean().optional(),
    }),
    BatchSummarySchema,
  ),
  /** Newest first; pass the last one's createdAt and id for the next page. */
  'batches.list': method(
    z.object({
      limit: z.number().int().min(1).max(1000).optional(),
      after: z.object({ createdAt: z.number(), id: IdSchema }).optional(),
    }),
    z.array(BatchSummarySchema),
  ),
  'batches.get': method(BatchIdInput, BatchSummarySchema),
  /** The batch as an X/Y(/Z) grid of its jobs and their first images; one ledger read, also for 1,000 jobs. */
  'batches.grid': method(BatchIdInput, BatchGridSchema),
  'batches.pause': method(BatchIdInput, BatchSummarySchema),
  'batches.resume': method(BatchIdInput, BatchSummarySchema),
  /** Cancels every unfinished job of the batch (pending at once; sent ones through the service). */
  'batches.cancel': method(BatchIdInput, BatchSummarySchema),
  /** Removes a batch once nothing of it is with the service; images stay. */
  'batches.delete': method(BatchIdInput, z.void()),
  'jobs.page': method(PageJobsInputSchema, JobPageSchema),
  'jobs.get': method(JobIdInput, JobDetailSchema),
  'jobs.cancel': method(JobIdInput, JobDtoSchema),
  /** A failed, cancelled or lost job goes back to pending with a new identity. */
  'jobs.retry': method(JobIdInput, JobDtoSchema),
  /** Moves a pending job before another (null: to the end). Returns false when it is no longer pending. */
  'jobs.reorder': method(z.object({ jobId: IdSchema, beforeJobId: IdSchema.nullable() }), z.boolean()),
  /** The watcher/socket state of every service with an edition open. */
  'jobs.connections': method(Empty, z.array(ServiceConnectionSchema)),
};

export const jobEvents = {
  /** Coalesced: at most a few per second, each the latest state of every job that changed. */
  'jobs.changed': z.object({ changes: z.array(JobChangeSchema) }),
  'batches.changed': z.object({ batches: z.array(BatchSummarySchema) }),
  'services.connection': ServiceConnectionSchema,
};
