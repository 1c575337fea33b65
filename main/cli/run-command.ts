// `artlab run`: the same Studio the desktop app runs, without a window. The service is saved in the data folder
// (token sealed there), the workflow imported into its library, the batch queued through the contract handlers, and
// each finished job's images taken from the gallery (fetched, verified and cached by its intake) into --out.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { ContractHandlers } from '../../preload/contract';
import type { BatchSummaryDto } from '../../preload/schemas/jobs';
import { systemClock, type KeyValueStore } from '../adapters';
import { serializeWorkflow } from '../comfy/workflow-parse';
import { starterWorkflow } from '../comfy/starter';
import { isArtlabError } from '../errors';
import { redactingSink } from '../log/log-sink';
import { createLogger } from '../log/logger';
import { createNodeStore } from '../node-adapters';
import { KeyFileEncryptor } from '../services/key-file-encryptor';
import { createStudio, type Studio } from '../studio';
import { followBatch, type FollowEnd } from './batch-follower';
import { openCopyRecord } from './copy-record';
import { readWorkflowFile } from './cli-files';
import { imagesFingerprint, listImages, withInputImages } from './input-images';
import type { RunFlags } from './run-flags';
import { RunReporter, type RunOutput } from './run-reporter';
import { namesOf, saveServices, type SavedService } from './run-service';
import { createTempDataDir } from './temp-data-dir';

export type { RunOutput };

/** Exit code of a run ended by Ctrl+C (128 + SIGINT), as shells expect. */
export const INTERRUPTED_EXIT = 130;
/** How long a Ctrl+C waits for the service to take the cancels before leaving anyway. */
const CANCEL_WAIT_MS = 20_000;

/**
 * Runs the batch to the end; resolves with the exit code (0 only when every job succeeded and every image is in
 * --out). `interrupt` is aborted by the first Ctrl+C; the caller exits at once on the second.
 */
export async function runCommand(flags: RunFlags, io: RunOutput, interrupt: AbortSignal): Promise<number> {
  const started = Date.now();
  const temporary = flags.dataDir === undefined ? createTempDataDir() : undefined;
  try {
    const dataDir = temporary?.path ?? resolve(flags.dataDir ?? '.');
    // --out is made once the batch exists (runBatch): a refused run leaves no empty folder behind.
    const outDir = resolve(flags.out);
    mkdirSync(dataDir, { recursive: true });
    const store = createNodeStore(dataDir);
    const studio = createStudio({
      paths: { dataDir, ...(flags.wildcardsDir !== undefined ? { wildcardsDir: resolve(flags.wildcardsDir) } : {}) },
      clock: systemClock,
      encryptor: new KeyFileEncryptor(join(dataDir, 'secret.key')),
      store,
      app: { name: 'ArtLab Desktop', version: '0.1.0', platform: process.platform, transport: 'browser' },
      logger: createLogger(
        redactingSink((line) => {
          if (process.env.ARTLAB_DEBUG) io.stderr.write(`artlab: ${line}\n`);
        }),
      ),
      dispatch: { ...(flags.concurrency !== undefined ? { editionDeps: { concurrency: flags.concurrency } } : {}) },
      // The CLI's answer to "where to export": --out, as the desktop app's is the folder the artist picks.
      galleryHost: { pickFolder: () => Promise.resolve(outDir), reveal: () => Promise.resolve(false) },
    });
    try {
      const reporter = new RunReporter(io, flags.json);
      return await runBatch({ studio, store, flags, reporter, outDir, dataDir, started, interrupt, kept: !temporary });
    } finally {
      await studio.close();
    }
  } finally {
    temporary?.remove();
  }
}

interface RunContext {
  studio: Studio;
  store: KeyValueStore;
  flags: RunFlags;
  reporter: RunReporter;
  outDir: string;
  dataDir: string;
  started: number;
  interrupt: AbortSignal;
  /** The data folder outlives the run (--data-dir): its batch can be resumed. */
  kept: boolean;
}

async function runBatch(context: RunContext): Promise<number> {
  const { studio, store, flags, reporter } = context;
  const { handlers } = studio;
  const source = workflowInput(flags.source);
  const images = listImages(flags);
  // Without --image the fingerprint is what it always was, so an earlier command's batch is still found.
  // One service keeps the fingerprint it always had, so an earlier command's batch is still found.
  const [only, ...more] = flags.services;
  const target =
    more.length === 0
      ? { url: only.url, edition: only.edition }
      : { services: flags.services.map(({ url, edition }) => ({ url, edition })) };
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({
        ...target,
        spec: flags.spec,
        source,
        ...(images.length > 0 ? { images: imagesFingerprint(images) } : {}),
      }),
    )
    .digest('hex');
  const earlier = await earlierBatch(handlers, store, fingerprint);
  // Before anything else: another command's unfinished batch must not be finished silently by this one.
  await pauseOtherBatches(context, earlier?.id);
  const services = await saveServices(handlers, store, flags);
  const [service] = services as [SavedService, ...SavedService[]];

  let batch: BatchSummaryDto;
  if (earlier) {
    batch = await resumeBatch(context, earlier);
  } else {
    const workflow = await handlers['workflows.import'](source);
    const spec = await withInputImages(handlers, service.id, images, flags.spec);
    batch = await handlers['batches.queue']({
      ...(services.length === 1 ? { serviceId: service.id } : { serviceIds: services.map(({ id }) => id) }),
      workflowId: workflow.id,
      spec,
      confirmLarge: true,
    });
    store.set(runKey(fingerprint), batch.id);
  }
  mkdirSync(context.outDir, { recursive: true });

  const end = await followBatch({
    handlers,
    events: studio.events,
    batchId: batch.id,
    total: batch.total,
    services,
    hasToken: (serviceId) => flags.services[services.findIndex(({ id }) => id === serviceId)]?.token !== undefined,
    outDir: context.outDir,
    reporter,
    copies: openCopyRecord(context.dataDir, batch.id, store),
    stallTimeoutMs: flags.stallTimeoutMs,
    signal: context.interrupt,
  });
  return finishRun(context, batch, services, end);
}

async function finishRun(
  context: RunContext,
  batch: BatchSummaryDto,
  services: SavedService[],
  end: FollowEnd,
): Promise<number> {
  if (end.kind === 'interrupted') return interrupted(context, batch.id, namesOf(services));
  if (end.kind !== 'finished') {
    if (context.kept) {
      context.reporter.notice('resume', 'The batch stays in the data folder: run the same command again to resume it.');
    }
    return 1;
  }
  const succeeded = end.outcomes.filter((outcome) => outcome.state === 'succeeded' && outcome.error === null).length;
  const missingImages = end.outcomes.reduce((sum, outcome) => sum + outcome.missing.length, 0);
  context.reporter.summary({
    total: batch.total,
    succeeded,
    failed: batch.total - succeeded,
    missingImages,
    seconds: Math.round((Date.now() - context.started) / 100) / 10,
    outDir: context.outDir,
  });
  return succeeded === batch.total ? 0 : 1;
}

/** Ctrl+C: say what is still with the service; cancel it unless the data folder is kept for a resume. */
async function interrupted(context: RunContext, batchId: string, serviceName: string): Promise<number> {
  const { handlers } = context.studio;
  const summary = await handlers['batches.get']({ batchId });
  const { counts } = summary;
  const onService = counts.submitting + counts.queued + counts.running;
  const notSent = counts.pending;
  const what = `${onService} job(s) are with ${serviceName} and ${notSent} not sent yet`;
  if (context.kept) {
    const message = `Interrupted: ${what}; they stay. Run the same command again (same --data-dir) to resume the batch.`;
    context.reporter.event({ type: 'interrupted', onService, notSent, action: 'keep', message }, message);
    return INTERRUPTED_EXIT;
  }
  const message = `Interrupted: ${what}; cancelling them (press Ctrl+C again to leave at once).`;
  context.reporter.event({ type: 'interrupted', onService, notSent, action: 'cancel', message }, message);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve_) => (timer = setTimeout(() => resolve_('timeout'), CANCEL_WAIT_MS)));
  try {
    const result = await Promise.race([handlers['batches.cancel']({ batchId }), timeout]);
    if (result === 'timeout') {
      context.reporter.notice(
        'cancel-timeout',
        `${serviceName} did not confirm the cancels within ${CANCEL_WAIT_MS / 1000} s; some jobs may still run there.`,
      );
    } else {
      const left = result.counts.submitting + result.counts.queued + result.counts.running;
      context.reporter.notice(
        'cancelled',
        left === 0
          ? `Cancelled: nothing of this batch is left with ${serviceName}.`
          : `${left} job(s) could not be cancelled and may still run on ${serviceName}.`,
      );
    }
  } finally {
    clearTimeout(timer);
  }
  return INTERRUPTED_EXIT;
}

/** The batch each command (by the fingerprint of its settings) queued in this data folder. */
const runKey = (fingerprint: string): string => `cli.batchOf.${fingerprint}`;

/**
 * A kept data folder remembers the batch of each command: the same command run again resumes it — recovery has already
 * reconciled its jobs — or, when it is finished, fetches the images still missing; it is never queued twice.
 */
async function earlierBatch(
  handlers: ContractHandlers,
  store: KeyValueStore,
  fingerprint: string,
): Promise<BatchSummaryDto | undefined> {
  const batchId = z.string().safeParse(store.get(runKey(fingerprint)));
  if (!batchId.success) return undefined;
  return handlers['batches.get']({ batchId: batchId.data }).catch((error: unknown) => {
    if (isArtlabError(error) && error.kind === 'not_found') return undefined;
    throw error;
  });
}

async function resumeBatch(context: RunContext, batch: BatchSummaryDto): Promise<BatchSummaryDto> {
  const { handlers } = context.studio;
  if (!batch.finished) {
    context.reporter.notice(
      'resume',
      `Resuming the unfinished batch of an earlier run with the same settings (${batch.total} jobs).`,
    );
    return batch.paused ? handlers['batches.resume']({ batchId: batch.id }) : batch;
  }
  const missing: number[] = [];
  for (let cursor: string | undefined, more = true; more;) {
    const page = await handlers['gallery.page']({
      filters: { batchId: batch.id },
      sort: 'oldest',
      limit: 500,
      ...(cursor ? { cursor } : {}),
    });
    for (const image of page.images) if (image.state === 'missing') missing.push(image.id);
    cursor = page.nextCursor ?? undefined;
    more = cursor !== undefined;
  }
  context.reporter.notice(
    'complete',
    `The batch of an earlier run with the same settings is finished (${batch.total} jobs); ` +
      (missing.length === 0 ? 'nothing is missing.' : `fetching its ${missing.length} missing image(s) again.`),
  );
  for (let start = 0; start < missing.length; start += 10_000) {
    await handlers['gallery.retry']({ ids: missing.slice(start, start + 10_000) });
  }
  return batch;
}

/** Unfinished batches of other commands (other flags) in a kept data folder are paused, and the user told. */
async function pauseOtherBatches(context: RunContext, resumed: string | undefined): Promise<void> {
  if (!context.kept) return;
  const { handlers } = context.studio;
  for (const batch of await handlers['batches.list']({ limit: 1000 })) {
    if (batch.finished || batch.id === resumed) continue;
    if (!batch.paused) await handlers['batches.pause']({ batchId: batch.id });
    const left =
      batch.total - batch.counts.succeeded - batch.counts.failed - batch.counts.cancelled - batch.counts.lost;
    context.reporter.notice(
      'paused-other',
      `An earlier run in this data folder, started with other settings, left a batch unfinished (${left} of ` +
        `${batch.total} jobs). It stays paused: run that command again to finish it.`,
    );
  }
}

function workflowInput(source: string): { name: string; json: string } | { name: string; pngBase64: string } {
  if (source === 'starter') return { name: 'starter', json: serializeWorkflow(starterWorkflow()) };
  return readWorkflowFile(source);
}
