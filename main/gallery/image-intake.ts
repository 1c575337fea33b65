// Image intake: every pending output file in the ledger is fetched, proven whole, cached by content and indexed.
// Sources (DESIGN.md rule 5, no branching on the edition beyond choosing the client): OSS when the service has an
// output location (both editions write there), else the edition's own download (Exclusive: `/view`); an Exclusive
// file not yet visible in OSS falls back to `/view`. Bounded concurrency per service, transient failures retried with
// backoff; a file that still cannot be fetched, or arrives damaged, becomes `missing` with the reason. The work list
// is the ledger itself, so pending rows are resumed after a restart.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { safeOutputName } from '../comfy/output-names';
import { readPngText } from '../comfy/png-metadata';
import { describeWorkflow, type WorkflowSummary } from '../comfy/workflow-describe';
import { parseWorkflow } from '../comfy/workflow-parse';
import type { ApiWorkflow } from '../comfy/workflow-types';
import { codedErrorOf } from '../ledger/coded-error';
import { backoffDelay } from '../editions/backoff';
import type { Edition, EditionOutputFile, ResultStoredInfo } from '../editions/edition';
import { CancelledError, isArtlabError, NotFoundError } from '../errors';
import { redact } from '../log/redact';
import type { OssImageSource } from '../oss/oss-image-source';
import type { GalleryIndex, ImageMetadata, IndexChange, IndexedFile, MissingReason } from './gallery-index';
import type { GalleryRow } from './gallery-rows';
import type { CachedFile, ImageCache } from './image-cache';
import { silentLogger, type Logger } from '../log/logger';

export interface ImageSources {
  /** The service's running edition client, for its own download; undefined when there is none. */
  edition(serviceId: string): Edition | undefined;
  /** The service's OSS output folder; undefined when no location is configured. May throw a misconfiguration. */
  oss(serviceId: string): OssImageSource | undefined;
}

/** The job an image came from, as far as the ledger still knows it. */
export interface JobFacts {
  batchId: string;
  workflowId: string | null;
  workflow: ApiWorkflow;
}

export interface ImageIntakeOptions {
  index: GalleryIndex;
  cache: ImageCache;
  sources: ImageSources;
  jobFacts(jobId: string): JobFacts | undefined;
  /** Each index change (an image added, fetched again or found missing). */
  onChange(change: IndexChange): void;
  /** Downloads at once per service. Default 4. */
  concurrency?: number;
  /**
   * Attempts per file for transient failures (network, timeouts, 5xx). Default 8: an attempt is several requests
   * (HEAD, GET, a Range resume), so under a 5 % fault rate four attempts still lost an image in some 300-image chaos runs;
   * eight, spread over about a minute and a half, outlast a restart and make a loss a real outage's.
   */
  attempts?: number;
  /** First backoff ceiling (doubled per attempt, capped at 30 s; each wait between half and all of it). Default 1 s. */
  backoffMs?: number;
  /** [0, 1) dice for the jitter; injectable so tests are deterministic. */
  random?: () => number;
  logger?: Logger;
}

const SCAN_LIMIT = 2_000;
/** PNG metadata is read from files up to this size (ComfyUI PNGs are a few MB). */
const MAX_PNG_READ = 64 * 1024 * 1024;

interface Lane {
  queue: number[];
  active: number;
}

export class ImageIntake {
  private readonly lanes = new Map<string, Lane>();
  private readonly known = new Set<number>();
  private readonly running = new Set<Promise<void>>();
  private readonly waits = new Map<NodeJS.Timeout, () => void>();
  private readonly abort = new AbortController();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly random: () => number;
  private readonly logger: Logger;
  private closed = false;
  private moreToScan = false;

  constructor(private readonly options: ImageIntakeOptions) {
    this.concurrency = options.concurrency ?? 4;
    this.attempts = options.attempts ?? 8;
    this.backoffMs = options.backoffMs ?? 1_000;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
  }

  /** Picks up the files of a stored result (its rows are already pending in the ledger). */
  enqueue(info?: ResultStoredInfo): void {
    void info;
    this.scan();
  }

  /** Resumes every pending row (call once at start). */
  start(): void {
    this.scan();
  }

  /** Resolves when nothing is queued or downloading. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    for (const lane of this.lanes.values()) if (lane.active > 0 || lane.queue.length > 0) return false;
    return true;
  }

  private scan(): void {
    if (this.closed) return;
    const pending = this.options.index.pending(SCAN_LIMIT);
    this.moreToScan = pending.length === SCAN_LIMIT;
    for (const { id, serviceId } of pending) {
      if (this.known.has(id)) continue;
      this.known.add(id);
      let lane = this.lanes.get(serviceId);
      if (!lane) this.lanes.set(serviceId, (lane = { queue: [], active: 0 }));
      lane.queue.push(id);
    }
    this.pump();
  }

  private pump(): void {
    for (const lane of this.lanes.values()) {
      while (!this.closed && lane.active < this.concurrency && lane.queue.length > 0) {
        const id = lane.queue.shift();
        if (id === undefined) break;
        lane.active += 1;
        const run = this.run(id)
          // Only the index itself failing (disk, damaged database) gets here: the row stays pending for the next start.
          .catch((error: unknown) => this.logger.error('The gallery could not record an image', error))
          .finally(() => {
            lane.active -= 1;
            this.known.delete(id);
            this.running.delete(run);
            this.pump();
          });
        this.running.add(run);
      }
    }
    if (this.isIdle()) {
      if (this.moreToScan && !this.closed) return this.scan();
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async run(id: number): Promise<void> {
    const row = this.options.index.get(id);
    if (!row || row.state !== 'pending') return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.fetchAndIndex(row);
        return;
      } catch (error) {
        if (this.closed) return;
        if (this.worthRetrying(row, error) && attempt < this.attempts) {
          // Equal jitter: the retries of one image span at least half the ceilings (0.5 + 1 + 2 s by default), so a
          // short outage (a restart, a dropped listener) cannot swallow them all, as full jitter near zero could.
          await this.wait(
            backoffDelay(attempt, { initialMs: this.backoffMs, maxMs: 30_000, jitter: 'equal' }, this.random),
          );
          if (this.closed) return;
          continue;
        }
        if (!isArtlabError(error)) this.logger.error(`The image "${row.filename}" could not be fetched`, error);
        const reason: MissingReason = isArtlabError(error)
          ? { message: redact(error.message), coded: codedErrorOf(error) }
          : {
              message: `The image "${row.filename}" could not be fetched because of an unexpected error (details in the log). Retry.`,
              coded: { code: 'image-fetch-unexpected', params: { filename: row.filename } },
            };
        this.report(this.options.index.markMissing(id, reason, this.jobMetadata(row)));
        return;
      }
    }
  }

  /**
   * Transient failures, and a job's file not found yet: an OSS mount can show a file a little after the service
   * reported it. An import names an object that was listed, so its absence is final.
   */
  private worthRetrying(row: GalleryRow, error: unknown): boolean {
    if (!isArtlabError(error)) return false;
    return error.retryable || (error instanceof NotFoundError && row.source !== 'import');
  }

  private report(change: IndexChange | undefined): void {
    if (change) this.options.onChange(change);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waits.delete(timer);
        resolve();
      }, ms);
      this.waits.set(timer, resolve);
    });
  }

  private async fetchAndIndex(row: GalleryRow): Promise<void> {
    // A name from the service is data: refused before it reaches a key or a request (the cache names files by hash).
    safeOutputName(row.filename, row.subfolder);
    const what = `the image "${row.subfolder === '' ? row.filename : `${row.subfolder}/${row.filename}`}"`;
    const destination = this.options.cache.incomingPath(row.id);
    await mkdir(dirname(destination), { recursive: true });
    const fetched = await this.fetch(row, destination);
    if (this.closed) throw new CancelledError('The app is closing.');
    const cached = await this.options.cache.ingest(destination, what);
    const meta = await this.metadata(row, cached);
    const file: IndexedFile = {
      sha256: cached.sha256,
      path: cached.relativePath,
      size: cached.size,
      mime: cached.mime,
      media: cached.media,
      animated: cached.animated,
      width: cached.width,
      height: cached.height,
      ...fetched,
    };
    this.report(this.options.index.markFetched(row.id, file, meta));
  }

  private async fetch(
    row: GalleryRow,
    destination: string,
  ): Promise<Pick<IndexedFile, 'source' | 'ossKey' | 'createdAt'>> {
    const file: EditionOutputFile = {
      node: row.node,
      kind: row.kind,
      filename: row.filename,
      subfolder: row.subfolder,
      type: row.type,
    };
    const signal = this.abort.signal;
    const oss = this.options.sources.oss(row.service_id);
    const ossKey = oss ? oss.keyOf(file) : row.oss_key;
    if (row.source === 'import') {
      if (!oss) {
        throw new NotFoundError(
          `The service no longer has an OSS output location, so "${row.filename}" cannot be imported. Add it in Services, then retry.`,
        );
      }
      const info = await oss.get(file, destination, { signal });
      const date = info.lastModified ? Date.parse(info.lastModified) : Number.NaN;
      return { source: 'import', ossKey, ...(Number.isFinite(date) ? { createdAt: date } : {}) };
    }
    const edition = this.options.sources.edition(row.service_id);
    // Only `output` files are in the OSS mount; PreviewImage's `temp` files are only on the instance.
    if (oss && row.type === 'output') {
      try {
        await oss.get(file, destination, { signal });
        return { source: 'oss', ossKey };
      } catch (error) {
        // The mount may show a new file a moment after ComfyUI reported it: the instance itself has it now.
        if (!(error instanceof NotFoundError) || !edition || edition.kind !== 'exclusive') throw error;
      }
    }
    if (!edition) {
      throw new NotFoundError(
        `There is no way to download "${row.filename}" right now: the service has no OSS output location and its connection is not running. Add the OSS location in Services (or start the service), then retry.`,
      );
    }
    await edition.download(file, destination, signal);
    return { source: 'edition', ossKey };
  }

  private jobMetadata(row: GalleryRow): Pick<ImageMetadata, 'batchId' | 'workflowId'> & { workflow?: ApiWorkflow } {
    if (row.job_id === null) return { batchId: row.batch_id, workflowId: row.workflow_id };
    try {
      const facts = this.options.jobFacts(row.job_id);
      if (facts) return { batchId: facts.batchId, workflowId: facts.workflowId, workflow: facts.workflow };
    } catch (error) {
      this.logger.error('The job of an image could not be read', error);
    }
    return { batchId: row.batch_id, workflowId: row.workflow_id };
  }

  /** Prompt fields: from the job's workflow, else (external, imported) from the PNG's `prompt` chunk. */
  private async metadata(row: GalleryRow, cached: CachedFile): Promise<ImageMetadata> {
    const job = this.jobMetadata(row);
    let summary: WorkflowSummary | undefined;
    if (job.workflow) summary = safeDescribe(() => job.workflow);
    if (!summary && cached.mime === 'image/png' && cached.size <= MAX_PNG_READ) {
      const bytes = await readFile(this.options.cache.absolute(cached.relativePath));
      summary = safeDescribe(() => {
        const prompt = readPngText(bytes).get('prompt');
        return prompt === undefined ? undefined : parseWorkflow(prompt);
      });
    }
    return {
      batchId: job.batchId,
      workflowId: job.workflowId,
      positive: summary?.positive ?? row.positive,
      negative: summary?.negative ?? row.negative,
      seed: summary?.seed ?? row.seed,
      steps: summary?.steps ?? row.steps,
      cfg: summary?.cfg ?? row.cfg,
      sampler: summary?.sampler ?? row.sampler,
      scheduler: summary?.scheduler ?? row.scheduler,
      model: summary?.model ?? row.model,
    };
  }

  /** Retries are the caller's (index.markPending) plus a scan; kept here so the intake owns its work list. */
  rescan(): void {
    this.scan();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort(new CancelledError('The app is closing.'));
    for (const [timer, resolve] of this.waits) {
      clearTimeout(timer);
      resolve();
    }
    this.waits.clear();
    for (const lane of this.lanes.values()) lane.queue.length = 0;
    await Promise.allSettled([...this.running]);
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/** A workflow that does not parse or describe gives no metadata, never a failed intake. */
function safeDescribe(read: () => ApiWorkflow | undefined): WorkflowSummary | undefined {
  try {
    const workflow = read();
    return workflow ? describeWorkflow(workflow) : undefined;
  } catch {
    return undefined;
  }
}
