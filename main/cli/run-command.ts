// `artlab run`: the same Studio the desktop app runs, without a window. The service is saved in the data folder
// (token sealed there), the workflow imported into its library, the batch queued through the contract handlers, and
// each finished job's outputs downloaded through its edition.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { BatchSummaryDto, JobChangeDto } from '../../preload/schemas/jobs';
import { systemClock, type KeyValueStore } from '../adapters';
import { safeOutputName } from '../comfy/output-names';
import { serializeWorkflow } from '../comfy/workflow-parse';
import { starterWorkflow } from '../comfy/starter';
import { isTerminal } from '../ledger/job-state';
import { isArtlabError } from '../errors';
import { redactingSink } from '../log/log-sink';
import { createNodeStore } from '../node-adapters';
import { KeyFileEncryptor } from '../services/key-file-encryptor';
import { createStudio, type Studio } from '../studio';
import { ProgressBar } from './progress-bar';
import type { RunFlags } from './run-flags';

export interface RunOutput {
  stdout: (line: string) => void;
  stderr: NodeJS.WriteStream | { write(text: string): boolean; isTTY?: boolean };
}

interface JobOutcome {
  job: string;
  state: string;
  files: string[];
  error: string | null;
}

const SERVICE_NAME = 'artlab-cli';

/** Runs the batch to the end; resolves with the exit code (0 only when every job succeeded and every file arrived). */
export async function runCommand(flags: RunFlags, io: RunOutput, signal?: AbortSignal): Promise<number> {
  const started = Date.now();
  const temporary = flags.dataDir === undefined;
  const dataDir = flags.dataDir ? resolve(flags.dataDir) : mkdtempSync(join(tmpdir(), 'artlab-cli-'));
  const outDir = resolve(flags.out);
  mkdirSync(outDir, { recursive: true });
  const store = createNodeStore(dataDir);
  const studio = createStudio({
    paths: { dataDir },
    clock: systemClock,
    encryptor: new KeyFileEncryptor(join(dataDir, 'secret.key')),
    store,
    app: { name: 'ArtLab Desktop', version: '0.1.0', platform: process.platform, transport: 'browser' },
    log: redactingSink((line) => {
      if (process.env.ARTLAB_DEBUG) io.stderr.write(`artlab: ${line}\n`);
    }),
    dispatch: { ...(flags.concurrency !== undefined ? { editionDeps: { concurrency: flags.concurrency } } : {}) },
  });
  try {
    return await runBatch(studio, store, flags, io, outDir, started, signal);
  } finally {
    await studio.close();
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runBatch(
  studio: Studio,
  store: KeyValueStore,
  flags: RunFlags,
  io: RunOutput,
  outDir: string,
  started: number,
  signal?: AbortSignal,
): Promise<number> {
  const { handlers } = studio;
  const serviceId = await saveService(studio, flags);
  const source = workflowInput(flags.source);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ url: flags.url, edition: flags.edition, spec: flags.spec, source }))
    .digest('hex');
  const resumable = await unfinishedRun(studio, store, fingerprint);

  const outcomes = new Map<string, Promise<JobOutcome>>();
  let batchId: string | undefined;
  let total = 0;
  const early: JobChangeDto[] = [];
  const bar = new ProgressBar(io.stderr);
  let settled = 0;
  let finish: () => void = () => undefined;
  const allDone = new Promise<void>((resolve_) => (finish = resolve_));

  const settle = (change: JobChangeDto): void => {
    if (!isTerminal(change.state) || outcomes.has(change.id)) return;
    const outcome = collect(studio, change.id, serviceId, outDir).then((result) => {
      if (flags.json) io.stdout(JSON.stringify(result));
      return result;
    });
    outcomes.set(change.id, outcome);
    void outcome.then(() => {
      settled += 1;
      bar.update(settled, total);
      if (settled === total) finish();
    });
  };
  const unsubscribe = studio.events.subscribe((event, payload) => {
    if (event !== 'jobs.changed') return;
    for (const change of (payload as { changes: JobChangeDto[] }).changes) {
      if (batchId === undefined) early.push(change);
      else if (change.batchId === batchId) settle(change);
    }
  });
  const aborted = new Promise<void>((resolve_) => signal?.addEventListener('abort', () => resolve_()));
  try {
    let batch = resumable;
    if (batch) {
      io.stderr.write(
        `Resuming the unfinished batch of an earlier run with the same settings (${batch.total} jobs).\n`,
      );
    } else {
      const workflow = await handlers['workflows.import'](source);
      batch = await handlers['batches.queue']({
        serviceId,
        workflowId: workflow.id,
        spec: flags.spec,
        confirmLarge: true,
      });
      store.set(RUN_KEY, { fingerprint, batchId: batch.id });
    }
    const thisBatch = batch.id;
    batchId = thisBatch;
    total = batch.total;
    bar.update(0, total);
    for (const change of early.splice(0)) if (change.batchId === batchId) settle(change);
    // Jobs that settled before this listener saw them (a fast service, an earlier run) are read from the ledger.
    for (let cursor: string | undefined, more = true; more;) {
      const page = await studio.handlers['jobs.page']({
        filters: { batchId: thisBatch },
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      for (const job of page.jobs)
        settle({ id: job.id, batchId: job.batchId, serviceId: job.serviceId, state: job.state });
      cursor = page.nextCursor ?? undefined;
      more = cursor !== undefined;
    }
    await Promise.race([allDone, aborted]);
    if (signal?.aborted) return 130;
    const results = await Promise.all(outcomes.values());
    bar.done();
    const succeeded = results.filter((result) => result.state === 'succeeded' && result.error === null).length;
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    if (flags.json) io.stdout(JSON.stringify({ total, succeeded, failed: total - succeeded, seconds }));
    else io.stderr.write(`${succeeded} of ${total} jobs succeeded in ${seconds} s; outputs in ${outDir}\n`);
    return succeeded === total ? 0 : 1;
  } finally {
    unsubscribe();
  }
}

const RUN_KEY = 'cli.lastRun';
const lastRunSchema = z.object({ fingerprint: z.string(), batchId: z.string() });

/**
 * A kept data folder remembers its last batch: the same command run again after a kill (or a crash) resumes that
 * batch — recovery has already reconciled its jobs — instead of queueing it twice.
 */
async function unfinishedRun(
  studio: Studio,
  store: KeyValueStore,
  fingerprint: string,
): Promise<BatchSummaryDto | undefined> {
  const last = lastRunSchema.safeParse(store.get(RUN_KEY));
  if (!last.success || last.data.fingerprint !== fingerprint) return undefined;
  const summary = await studio.handlers['batches.get']({ batchId: last.data.batchId }).catch((error: unknown) => {
    if (isArtlabError(error) && error.kind === 'not_found') return undefined;
    throw error;
  });
  return summary?.finished === false ? summary : undefined;
}

/** Saves (or updates, in a kept data folder) the one service this run talks to. */
async function saveService(studio: Studio, flags: RunFlags): Promise<string> {
  const input = {
    name: SERVICE_NAME,
    url: flags.url,
    edition: flags.edition,
    token: flags.token ?? null,
    ...(flags.concurrency !== undefined && flags.edition === 'queue'
      ? { queue: { concurrency: flags.concurrency } }
      : {}),
    oss: flags.oss
      ? {
          location: flags.oss.location,
          credentials: 'own' as const,
          accessKeyId: flags.oss.accessKeyId,
          accessKeySecret: flags.oss.accessKeySecret,
          ...(flags.oss.endpoint ? { endpoint: flags.oss.endpoint } : {}),
          ...(flags.oss.region ? { region: flags.oss.region } : {}),
        }
      : null,
  };
  const existing = (await studio.handlers['services.list'](undefined)).find((service) => service.name === SERVICE_NAME);
  const saved = existing
    ? await studio.handlers['services.update']({ ...input, id: existing.id })
    : await studio.handlers['services.create'](input);
  return saved.id;
}

function workflowInput(source: string): { name: string; json: string } | { name: string; pngBase64: string } {
  if (source === 'starter') return { name: 'starter', json: serializeWorkflow(starterWorkflow()) };
  const bytes = readFileSync(source);
  const name = source.split(/[\\/]/).pop() ?? source;
  return extname(source).toLowerCase() === '.png'
    ? { name, pngBase64: bytes.toString('base64') }
    : { name, json: bytes.toString('utf8') };
}

async function collect(studio: Studio, jobId: string, serviceId: string, outDir: string): Promise<JobOutcome> {
  const job = await studio.handlers['jobs.get']({ jobId }).catch(() => undefined);
  const state = job?.state ?? 'lost';
  const outcome: JobOutcome = { job: jobId, state, files: [], error: job?.error?.message ?? null };
  if (state !== 'succeeded' || !job) return outcome;
  const edition = studio.editions.edition(serviceId);
  try {
    for (const result of job.results) {
      for (const file of result.outputs) {
        if (!edition) throw new Error('the service is not open');
        const name = safeOutputName(file.filename, file.subfolder).replaceAll('/', '_');
        const destination = join(outDir, name);
        await edition.download(file, destination);
        outcome.files.push(destination);
      }
    }
  } catch (error) {
    outcome.error = `An output could not be downloaded: ${error instanceof Error ? error.message : String(error)}`;
  }
  return outcome;
}
