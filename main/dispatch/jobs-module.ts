// The jobs domain of the Studio: the workflow library, the batch builder, the ledger and the scheduler behind the
// contract's workflows.* / batches.* / jobs.* methods and their events. Services come from the services module
// (secrets opened in main only); a changed service gets a new edition, a deleted one has its edition closed.
import type { ContractHandlers } from '../../preload/contract';
import { LARGE_BATCH, type jobMethods, type WorkflowSummaryDto } from '../../preload/schemas/jobs';
import type { Clock } from '../adapters';
import type { NodeCatalog } from '../comfy/node-catalog';
import { workflowFromPng } from '../comfy/png-metadata';
import { starterWorkflow } from '../comfy/starter';
import { parseWorkflow, serializeWorkflow } from '../comfy/workflow-parse';
import type { EventHub } from '../contract/event-hub';
import type { Edition } from '../editions/edition';
import { BadRequestError, NotFoundError } from '../errors';
import type { ServiceConnection } from '../services/services-module';
import type { ServiceRecord } from '../services/service-record';
import { countJobs, previewJobs } from '../batches/batch-expansion';
import { queueBatch } from '../batches/batch-queueing';
import { JobFeed } from './job-feed';
import { toBatchSummaryDto, toJobDto, toLiteralDto } from '../handlers/jobs-dto';
import type { BatchSummary, Ledger, WorkflowRecord } from '../ledger/ledger';
import { Scheduler, type EditionProvider, type ResultStoredInfo, type SchedulerOptions } from './scheduler';
import { buildServiceTarget, type EditionDeps } from '../editions/service-editions';
import { parameterForm } from '../workflows/workflow-form';

export type JobHandlers = Pick<ContractHandlers, keyof typeof jobMethods>;

export interface JobsServices {
  connection(serviceId: string): ServiceConnection;
  list(): ServiceRecord[];
}

export interface JobsModuleOptions {
  ledger: Ledger;
  services: JobsServices;
  events: EventHub;
  clock: Clock;
  log?: (message: string, error?: unknown) => void;
  /** Presence port: a batch's last job settled (the shell shows a notification). */
  onBatchFinished?: (summary: BatchSummary) => void;
  /** Presence port: 0..1 over the batches working now, null when none (dock/taskbar progress). */
  onProgress?: (fraction: number | null) => void;
  onRunningJobs?: (count: number) => void;
  /** For the gallery: every result stored (external ones with jobId null). */
  onResultStored?: (info: ResultStoredInfo) => void;
  /** Replaces how editions are built (the CLI builds its own service; tests shorten timers). */
  editions?: EditionProvider;
  editionDeps?: EditionDeps;
  scheduler?: Pick<SchedulerOptions, 'retry' | 'jobTimeoutMs' | 'random' | 'newIdentity'>;
  /** How often coalesced changes go to the renderer (ms). Default 100 (≤ 10 per second). */
  eventIntervalMs?: number;
}

export interface JobsModule {
  readonly handlers: JobHandlers;
  readonly ledger: Ledger;
  readonly scheduler: Scheduler;
  /** The open edition of a service, for the gallery's downloads. */
  editionFor(serviceId: string): Edition | undefined;
  /** Adds a listener for stored results; returns the unsubscribe. */
  onResultStored(listener: (info: ResultStoredInfo) => void): () => void;
  /** Opens every saved service (recovering its unfinished jobs) and starts sending. */
  start(): Promise<void>;
  /** The services changed: rebuild changed editions, close deleted ones. */
  servicesChanged(): Promise<void>;
  close(): Promise<void>;
}

const STARTER_NAME = 'Starter: text to image';

export function createJobsModule(options: JobsModuleOptions): JobsModule {
  const { ledger, services, events } = options;
  const log = options.log ?? (() => undefined);
  const resultListeners = new Set<(info: ResultStoredInfo) => void>();
  if (options.onResultStored) resultListeners.add(options.onResultStored);
  const catalogs = new Map<string, NodeCatalog>();
  const known = new Map<string, number>();

  const feed = new JobFeed({
    ledger,
    events,
    log,
    ...(options.eventIntervalMs !== undefined ? { intervalMs: options.eventIntervalMs } : {}),
    ...(options.onBatchFinished ? { onBatchFinished: options.onBatchFinished } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onRunningJobs ? { onRunningJobs: options.onRunningJobs } : {}),
  });

  const editions: EditionProvider =
    options.editions ??
    ((serviceId) => {
      const { record, token, oss } = services.connection(serviceId);
      return buildServiceTarget(
        {
          edition: record.edition,
          name: record.name,
          url: record.url,
          ...(token ? { token } : {}),
          ...(oss ? { oss } : {}),
          ...(record.queue
            ? {
                consumerUid: record.queue.consumerUid,
                window: record.queue.windowSize,
                concurrency: record.queue.concurrency,
                leaveForeignResults: record.queue.foreignResults === 'leave',
              }
            : {}),
        },
        {
          ownsIdentity: (identity) => ledger.findJobByIdentity(serviceId, identity) !== undefined,
          log,
          ...options.editionDeps,
        },
      );
    });

  const scheduler = new Scheduler({
    ledger,
    editions,
    clock: options.clock,
    log,
    ...options.scheduler,
    onJobChange: (change) => feed.push(change),
    onConnection: (report) => events.emit('services.connection', report),
    onResultStored: (info) => {
      for (const listener of [...resultListeners]) {
        try {
          listener(info);
        } catch (error) {
          log('a result listener failed', error);
        }
      }
    },
  });

  function ensureStarter(): void {
    if (ledger.listWorkflows().some((workflow) => workflow.source === 'starter')) return;
    ledger.createWorkflow({ name: STARTER_NAME, workflow: starterWorkflow(), source: 'starter' });
  }

  function summaryOf(record: WorkflowRecord): WorkflowSummaryDto {
    return {
      id: record.id,
      name: record.name,
      source: record.source,
      nodeCount: Object.keys(record.workflow).length,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  async function catalogFor(serviceId: string | undefined): Promise<NodeCatalog | undefined> {
    if (serviceId === undefined) return undefined;
    const cached = catalogs.get(serviceId);
    if (cached) return cached;
    const edition = scheduler.editionFor(serviceId);
    if (!edition || !hasNodeCatalog(edition)) return undefined;
    try {
      const catalog = await edition.nodeCatalog();
      catalogs.set(serviceId, catalog);
      return catalog;
    } catch (error) {
      // The form still works from the workflow's own values; bounds come back when the service answers.
      log(`reading the node catalogue of ${serviceId} failed`, error);
      return undefined;
    }
  }

  function summary(batchId: string) {
    if (!ledger.getBatch(batchId)) throw new NotFoundError('This batch is no longer in the ledger.');
    return toBatchSummaryDto(ledger.batchSummary(batchId));
  }

  const handlers: JobHandlers = {
    'workflows.list': () => Promise.resolve(ledger.listWorkflows().map(summaryOf)),
    'workflows.get': async ({ id, serviceId }) => {
      const record = ledger.getWorkflow(id);
      const catalog = await catalogFor(serviceId);
      return {
        ...summaryOf(record),
        parameters: parameterForm(record.workflow, catalog),
        json: serializeWorkflow(record.workflow, 2),
        catalogFrom: catalog ? ('service' as const) : ('builtin' as const),
      };
    },
    'workflows.import': (input) => {
      const png = 'pngBase64' in input;
      const workflow = png ? workflowFromPng(Buffer.from(input.pngBase64, 'base64')) : parseWorkflow(input.json);
      const name = input.name?.trim() || (png ? 'Workflow from image' : 'Imported workflow');
      return Promise.resolve(summaryOf(ledger.createWorkflow({ name, workflow, source: png ? 'png' : 'import' })));
    },
    'workflows.rename': ({ id, name }) => Promise.resolve(summaryOf(ledger.renameWorkflow(id, name))),
    'workflows.duplicate': ({ id }) => {
      const record = ledger.getWorkflow(id);
      const copy = ledger.createWorkflow({
        name: `${record.name} (copy)`,
        workflow: record.workflow,
        source: record.source === 'starter' ? 'import' : record.source,
      });
      return Promise.resolve(summaryOf(copy));
    },
    'workflows.delete': ({ id }) => {
      if (!ledger.deleteWorkflow(id)) throw new NotFoundError('This workflow is no longer in the library.');
      return Promise.resolve();
    },
    'batches.preview': ({ workflowId, spec, count }) => {
      const workflow = ledger.getWorkflow(workflowId).workflow;
      const total = countJobs(spec);
      const jobs = previewJobs(workflow, spec, count ?? 5).map((job) => ({
        index: job.index,
        prompt: job.prompt,
        seed: job.seed,
        patch: Object.fromEntries(Object.entries(job.patch).map(([key, value]) => [key, toLiteralDto(value)])),
      }));
      return Promise.resolve({ total, large: total > LARGE_BATCH, jobs });
    },
    'batches.queue': ({ serviceId, workflowId, spec, label, confirmLarge }) => {
      if (!services.list().some((service) => service.id === serviceId)) {
        throw new NotFoundError('This service is no longer saved. Pick the service to send the batch to.');
      }
      const total = countJobs(spec);
      if (total > LARGE_BATCH && confirmLarge !== true) {
        throw new BadRequestError(
          `This batch makes ${total.toLocaleString('en')} jobs. Confirm that you want to queue more than ${LARGE_BATCH.toLocaleString('en')}.`,
        );
      }
      const workflow = ledger.getWorkflow(workflowId).workflow;
      const { batch } = queueBatch(ledger, {
        serviceId,
        workflow,
        workflowId,
        spec: spec,
        ...(label ? { label } : {}),
      });
      feed.touchBatch(batch.id);
      void scheduler.wake(serviceId);
      return Promise.resolve(summary(batch.id));
    },
    'batches.list': ({ limit, after }) =>
      Promise.resolve(
        ledger.pageBatches(limit ?? 100, after).map((batch) => toBatchSummaryDto(ledger.batchSummary(batch.id))),
      ),
    'batches.get': ({ batchId }) => Promise.resolve(summary(batchId)),
    'batches.pause': ({ batchId }) => {
      summary(batchId);
      scheduler.pauseBatch(batchId);
      feed.touchBatch(batchId);
      return Promise.resolve(summary(batchId));
    },
    'batches.resume': ({ batchId }) => {
      summary(batchId);
      scheduler.resumeBatch(batchId);
      feed.touchBatch(batchId);
      return Promise.resolve(summary(batchId));
    },
    'batches.cancel': async ({ batchId }) => {
      summary(batchId);
      await scheduler.cancelBatch(batchId);
      feed.touchBatch(batchId);
      return summary(batchId);
    },
    'batches.delete': ({ batchId }) => {
      if (!ledger.deleteBatch(batchId)) throw new NotFoundError('This batch is no longer in the ledger.');
      return Promise.resolve();
    },
    'jobs.page': (query) => {
      const page = ledger.pageJobs(query);
      return Promise.resolve({ jobs: page.jobs.map(toJobDto), nextCursor: page.nextCursor });
    },
    'jobs.get': ({ jobId }) => {
      const job = ledger.getJob(jobId);
      if (!job) throw new NotFoundError('This job is no longer in the ledger.');
      const results = ledger.resultsOfJob(jobId).map((result) => ({
        identity: result.identity,
        outputs: result.outputs,
        error: result.error,
        at: result.receivedAt,
      }));
      return Promise.resolve({ ...toJobDto(job), results });
    },
    'jobs.cancel': async ({ jobId }) => toJobDto(await scheduler.cancel(jobId)),
    'jobs.retry': ({ jobId }) => Promise.resolve(toJobDto(scheduler.retry(jobId))),
    'jobs.reorder': ({ jobId, beforeJobId }) => {
      const moved = scheduler.reorder(jobId, beforeJobId);
      const job = ledger.getJob(jobId);
      if (moved && job) feed.touchBatch(job.batchId);
      return Promise.resolve(moved);
    },
    'jobs.connections': () => Promise.resolve(scheduler.connections()),
  };

  async function servicesChanged(): Promise<void> {
    const current = new Map(services.list().map((record) => [record.id, record.updatedAt]));
    for (const [id, updatedAt] of known) {
      if (!current.has(id)) {
        known.delete(id);
        catalogs.delete(id);
        await scheduler.closeService(id);
      } else if (current.get(id) !== updatedAt) {
        known.set(id, current.get(id) ?? updatedAt);
        catalogs.delete(id);
        await scheduler.restartService(id);
      }
    }
    for (const [id, updatedAt] of current) {
      if (known.has(id)) continue;
      known.set(id, updatedAt);
      await scheduler.wake(id);
    }
  }

  return {
    handlers,
    ledger,
    scheduler,
    editionFor: (serviceId) => scheduler.editionFor(serviceId),
    onResultStored(listener) {
      resultListeners.add(listener);
      return () => resultListeners.delete(listener);
    },
    async start() {
      ensureStarter();
      await servicesChanged();
    },
    servicesChanged,
    async close() {
      await scheduler.close();
      feed.close();
    },
  };
}

/** A capability, not an edition: services that can describe their nodes (ComfyUI's /object_info). */
function hasNodeCatalog(edition: Edition): edition is Edition & { nodeCatalog(): Promise<NodeCatalog> } {
  return 'nodeCatalog' in edition && typeof edition.nodeCatalog === 'function';
}
