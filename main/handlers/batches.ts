// batches.*: preview a batch spec, queue it (written to the ledger in full before anything is sent), and the
// artist's actions on a batch.
import { mkdir } from 'node:fs/promises';
import type { ContractHandlers } from '../../preload/contract';
import { answer } from './answer';
import { BatchSpecInputSchema, LARGE_BATCH } from '../../preload/schemas/jobs';
import { buildBatchGrid } from '../batches/batch-grid';
import { countJobs, inspectBatch, previewJobs } from '../batches/batch-expansion';
import { queueBatchInTurns } from '../batches/batch-queueing';
import {
  CATALOGUE_WAIT_MS,
  gpuWaits,
  memberCandidates,
  poolMembers,
  STARTING,
  type GpuWaits,
} from '../batches/pool-members';
import { patchWorkflow } from '../comfy/workflow-patch';
import type { BatchSpecInput as BatchSpec } from '../../preload/schemas/jobs';
import { folderWildcards, listWildcards } from '../batches/wildcard-folder';
import { toLiteralDto } from '../comfy/json-dto';
import type { DispatchModule } from '../dispatch/dispatch-module';
import { withHold } from '../dispatch/job-feed';
import type { StartHolds } from '../lifecycle/start-holds';
import { BadRequestError, NotFoundError } from '../errors';
import { toBatchSummaryDto } from '../ledger/ledger-dto';
import type { Ledger } from '../ledger/ledger';
import type { ServiceRecord } from '../services/service-record';
import type { ServiceCatalogues } from '../workflows/service-catalogues';
import type { WorkflowLibrary } from '../workflows/workflow-library';
import { contentNames } from '../workflows/input-copies';
import type { InputImages } from '../workflows/input-images';

export type BatchHandlers = Pick<
  ContractHandlers,
  | 'batches.wildcards'
  | 'batches.openWildcards'
  | 'batches.preview'
  | 'batches.queue'
  | 'batches.list'
  | 'batches.get'
  | 'batches.grid'
  | 'batches.pause'
  | 'batches.resume'
  | 'batches.cancel'
  | 'batches.delete'
>;

export interface BatchHandlerDeps {
  ledger: Ledger;
  library: WorkflowLibrary;
  dispatch: DispatchModule;
  services: { list(): ServiceRecord[]; needsOss(serviceId: string): boolean };
  /** Node catalogues per service: a batch is validated against its service's before it is stored. */
  catalogues: Pick<ServiceCatalogues, 'get'>;
  /** The wildcards folder: its files are read afresh for each preview and batch (the artist edits them between two). */
  wildcardsDir: string;
  /** Opens a folder in the system's file manager; false where none can be opened. */
  openFolder: (path: string) => Promise<boolean>;
  /** Batches held while their service's GPU starts. */
  holds?: Pick<StartHolds, 'heldOf' | 'begin' | 'beginMember' | 'release'>;
  /** What EAS says the service's GPU is doing, or undefined when the app does not control it (or cannot tell). */
  gpuStatus?: (serviceId: string) => Promise<string | undefined>;
  /** Puts the app's own input images on each member of a pool (the artist sent them to one service). */
  inputs?: Pick<InputImages, 'ensureOn'>;
}

export function batchHandlers({
  ledger,
  library,
  dispatch,
  services,
  catalogues,
  wildcardsDir,
  openFolder,
  holds,
  gpuStatus,
  inputs,
}: BatchHandlerDeps): BatchHandlers {
  const wildcards = () => folderWildcards(wildcardsDir);
  const { scheduler, feed } = dispatch;

  function summary(batchId: string) {
    if (!ledger.getBatch(batchId))
      throw new NotFoundError('This batch is no longer in the ledger.').withCode('batch-gone');
    return withHold(toBatchSummaryDto(ledger.batchSummary(batchId)), holds?.heldOf(batchId));
  }

  /** The wildcards for this batch, once its size is confirmed when it is large. */
  function checkedWildcards(spec: BatchSpec, confirmLarge: boolean | undefined) {
    const words = wildcards();
    const total = countJobs(spec, { wildcards: words });
    if (total > LARGE_BATCH && confirmLarge !== true) {
      throw new BadRequestError(
        `This batch makes ${total.toLocaleString('en')} jobs. Confirm that you want to queue more than ${LARGE_BATCH.toLocaleString('en')}.`,
      ).withCode('batch-large-unconfirmed', { total, limit: LARGE_BATCH });
    }
    return words;
  }

  /** A batch shared by several services: each is checked, those that cannot run it are left out with the reason. */
  async function queuePool(input: {
    serviceIds: string[];
    workflowId: string;
    spec: BatchSpec;
    label: string | undefined;
    confirmLarge: boolean | undefined;
    startService: boolean | undefined;
  }) {
    const { serviceIds, workflowId, spec, label } = input;
    const words = checkedWildcards(spec, input.confirmLarge);
    const record = library.get(workflowId);
    const workflow = record.workflow;
    const candidates = await memberCandidates({ services, catalogues }, serviceIds);
    const [first] = previewJobs(workflow, spec, 1, { wildcards: words });
    const chosen = poolMembers(candidates, first ? patchWorkflow(workflow, first.patch) : workflow);
    // Members whose GPU is stopped (started, if the artist chose) or starting join once it answers.
    const waits = await gpuWaitsOf(
      chosen.members.filter((member) => member.state === 'active').map((member) => member.serviceId),
      input.startService,
    );
    const held = [...waits.start, ...waits.starting];
    const members = chosen.members.map((member) =>
      held.includes(member.serviceId)
        ? { serviceId: member.serviceId, state: 'drained' as const, reason: STARTING }
        : member,
    );
    // Each member that works now gets the input images the batch names; one waiting for its GPU gets them when sent.
    const working = members.filter((member) => member.state === 'active').map((member) => member.serviceId);
    await inputs?.ensureOn(working, contentNames(workflow, spec));
    const request = {
      serviceId: '',
      members,
      workflow,
      workflowId,
      workflowName: record.name,
      spec,
      ...(label ? { label } : {}),
    };
    const { batch } = await queueBatchInTurns(ledger, request, { wildcards: words, catalogs: chosen.catalogs });
    for (const serviceId of held) holds?.beginMember(batch.id, serviceId, waits.starting.includes(serviceId));
    feed.touchBatch(batch.id);
    scheduler.wakeBatch(batch.id);
    return summary(batch.id);
  }

  const gpuWaitsOf = (serviceIds: readonly string[], startService: boolean | undefined): Promise<GpuWaits> =>
    holds ? gpuWaits({ services, gpuStatus }, serviceIds, startService) : Promise.resolve({ start: [], starting: [] });

  return {
    'batches.wildcards': () => answer(() => ({ folder: wildcardsDir, files: listWildcards(wildcardsDir) })),
    'batches.openWildcards': async () => {
      await mkdir(wildcardsDir, { recursive: true });
      return { path: wildcardsDir, opened: await openFolder(wildcardsDir) };
    },
    'batches.preview': ({ workflowId, spec, count }) =>
      answer(() => {
        const workflow = library.get(workflowId).workflow;
        const options = { wildcards: wildcards() };
        const { total, identicalRepeats, seedInputs } = inspectBatch(workflow, spec, options);
        const jobs = previewJobs(workflow, spec, count ?? 5, options).map((job) => ({
          index: job.index,
          prompt: job.prompt,
          seed: job.seed,
          patch: Object.fromEntries(Object.entries(job.patch).map(([key, value]) => [key, toLiteralDto(value)])),
        }));
        return { total, large: total > LARGE_BATCH, identicalRepeats, seedInputs, jobs };
      }),
    'batches.queue': async ({ serviceId, serviceIds, workflowId, spec, label, confirmLarge, startService }) => {
      if (serviceIds !== undefined) {
        return queuePool({ serviceIds, workflowId, spec, label, confirmLarge, startService });
      }
      if (serviceId === undefined) {
        throw new BadRequestError('Choose the service to send this batch to.').withCode('batch-service-missing');
      }
      const service = services.list().find((candidate) => candidate.id === serviceId);
      if (!service) {
        throw new NotFoundError('This service is no longer saved. Pick the service to send the batch to.').withCode(
          'batch-service-gone',
        );
      }
      // Refused before anything is written: every job would end "done" with no image to show.
      if (services.needsOss(serviceId)) {
        throw new BadRequestError(
          `“${service.name}” needs an OSS output location: the API edition writes its results to OSS and they are read from there. Add the storage path, its region and an AccessKey (Services → Add OSS location; on the command line --oss with --oss-region and the key flags), then queue again.`,
        ).withCode('batch-needs-oss', { name: service.name });
      }
      const words = checkedWildcards(spec, confirmLarge);
      const record = library.get(workflowId);
      const workflow = record.workflow;
      // A GPU the app controls and EAS says is stopped: the artist chooses to start it (the batch then waits for it)
      // rather than every job being sent to a gateway that answers 503. One already starting is waited for.
      const waits = await gpuWaitsOf([serviceId], startService);
      const hold = waits.start.length + waits.starting.length > 0;
      // The inputs it names are on the service (a re-run, or images chosen before another service was picked).
      if (!hold) await inputs?.ensureOn([serviceId], contentNames(workflow, spec));
      const catalog = await catalogues.get(serviceId, { waitMs: CATALOGUE_WAIT_MS });
      const request = { serviceId, workflow, workflowId, workflowName: record.name, spec, ...(label ? { label } : {}) };
      const { batch } = await queueBatchInTurns(ledger, request, { wildcards: words, ...(catalog ? { catalog } : {}) });
      if (hold && holds) {
        // Paused in the same turn it was stored: nothing of it is sent before the service answers.
        scheduler.pauseBatch(batch.id);
        holds.begin(batch.id, serviceId, waits.starting.length > 0);
      } else {
        void scheduler.wake(serviceId);
      }
      feed.touchBatch(batch.id);
      return summary(batch.id);
    },
    'batches.list': ({ limit, after }) =>
      answer(() =>
        ledger
          .pageBatches(limit ?? 100, after)
          .map((batch) => withHold(toBatchSummaryDto(ledger.batchSummary(batch.id)), holds?.heldOf(batch.id))),
      ),
    'batches.get': ({ batchId }) => answer(() => summary(batchId)),
    'batches.grid': ({ batchId }) =>
      answer(() => {
        const batch = ledger.getBatch(batchId);
        if (!batch) throw new NotFoundError('This batch is no longer in the ledger.').withCode('batch-gone');
        const rows = ledger.gridJobs(batchId);
        const first = rows[0];
        // The spec is read only for its seed plan (per-job seeds are not an axis); one that no longer parses has none.
        const spec = BatchSpecInputSchema.safeParse(batch.spec);
        return buildBatchGrid(batchId, rows, first ? ledger.jobWorkflow(first.jobId) : undefined, spec.data);
      }),
    'batches.pause': ({ batchId }) =>
      answer(() => {
        summary(batchId);
        scheduler.pauseBatch(batchId);
        feed.touchBatch(batchId);
        return summary(batchId);
      }),
    'batches.resume': ({ batchId }) =>
      answer(() => {
        summary(batchId);
        holds?.release(batchId);
        scheduler.resumeBatch(batchId);
        feed.touchBatch(batchId);
        return summary(batchId);
      }),
    'batches.cancel': async ({ batchId }) => {
      summary(batchId);
      holds?.release(batchId, true);
      await scheduler.cancelBatch(batchId);
      feed.touchBatch(batchId);
      return summary(batchId);
    },
    'batches.delete': ({ batchId }) =>
      answer(() => {
        if (!ledger.deleteBatch(batchId))
          throw new NotFoundError('This batch is no longer in the ledger.').withCode('batch-gone');
      }),
  };
}
