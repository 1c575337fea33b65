// Follows one batch to its end through the contract only: job states from `jobs.changed` (and `jobs.page` for what
// happened before), the service's connection from `services.connection`, and each finished job's images from the
// gallery (`gallery.added`/`gallery.changed`, and `gallery.page` by batch as the ground truth). The gallery's intake is
// the one download path: it retries, verifies and caches; a job's files are copied from that cache into --out with
// `gallery.export`, which never overwrites. A watchdog ends the run when nothing has moved for the stall timeout,
// so no path waits forever (DESIGN.md rule 8).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { existsSync } from 'node:fs';
import type { ContractHandlers, EventPayload } from '../../preload/contract';
import type { GalleryImage } from '../../preload/schemas/gallery';
import type { ServiceConnectionDto } from '../../preload/schemas/connections';
import type { JobStateDto } from '../../preload/schemas/jobs';
import type { Studio } from '../studio';
import { NotFoundError } from '../errors';
import { isTerminal } from '../ledger/job-state';
import type { JobOutcome, MissingImage, RunReporter } from './run-reporter';
import { namesOf, type SavedService } from './run-service';

/** Images of this batch already copied into --out by an earlier run: image id -> the file written. */
export interface CopyRecord {
  get(imageId: number): string | undefined;
  set(imageId: number, file: string): void;
}

export interface FollowOptions {
  handlers: ContractHandlers;
  events: Studio['events'];
  batchId: string;
  total: number;
  /** The run's service, or the members of its pool. */
  services: SavedService[];
  /** Whether the run gave that service a token. */
  hasToken: (serviceId: string) => boolean;
  outDir: string;
  reporter: RunReporter;
  copies: CopyRecord;
  stallTimeoutMs: number;
  /** Aborted on Ctrl+C (or SIGTERM): the follower stops and says so. */
  signal: AbortSignal;
  now?: () => number;
}

export type FollowEnd =
  | { kind: 'finished'; outcomes: JobOutcome[] }
  | { kind: 'paused'; reason: string }
  | { kind: 'stalled'; reason: string }
  | { kind: 'interrupted' };

interface Track {
  state: JobStateDto;
  error: string | null;
  /** Set once the job is terminal and being turned into an outcome. */
  settling: boolean;
  /** Outputs the service reported, once known; the job waits for that many images in the gallery. */
  expected?: number;
  finished: boolean;
}

const RANK: Record<JobStateDto, number> = {
  pending: 0,
  submitting: 1,
  queued: 2,
  running: 3,
  succeeded: 4,
  failed: 4,
  cancelled: 4,
  lost: 4,
};
const TICK_MS = 1_000;
/** The gallery is read again this often even without an event, in case one was coalesced away before listening. */
const POLL_MS = 3_000;

export function followBatch(options: FollowOptions): Promise<FollowEnd> {
  return new BatchFollower(options).run();
}

class BatchFollower {
  private readonly jobs = new Map<string, Track>();
  private readonly outcomes: JobOutcome[] = [];
  private readonly now: () => number;
  private readonly imageStates = new Map<number, string>();
  /** Jobs already said to be possibly rendered twice. */
  private readonly duplicateWarned = new Set<string>();
  private lastProgress: number;
  private lastPoll = 0;
  private lastError: string | undefined;
  /** Services that take no more work (auth refused, paused): the run ends when all of them are. */
  private readonly paused = new Set<string>();
  private refreshing = false;
  private refreshAgain = false;
  private ended = false;
  private resolve: (end: FollowEnd) => void = () => undefined;
  private fail: (error: unknown) => void = () => undefined;

  constructor(private readonly options: FollowOptions) {
    this.now = options.now ?? Date.now;
    this.lastProgress = this.now();
  }

  async run(): Promise<FollowEnd> {
    const done = new Promise<FollowEnd>((resolve, reject) => {
      this.resolve = resolve;
      this.fail = reject;
    });
    const unsubscribe = this.options.events.subscribe((event, payload) => this.onEvent(event, payload));
    const onAbort = (): void => this.end({ kind: 'interrupted' });
    this.options.signal.addEventListener('abort', onAbort);
    const ticker = setInterval(() => this.tick(), TICK_MS);
    try {
      if (this.options.signal.aborted) this.end({ kind: 'interrupted' });
      this.options.reporter.progress(0, this.options.total);
      for (const report of await this.options.handlers['jobs.connections'](undefined)) this.onConnection(report);
      await this.readJobs();
      this.checkFinished();
      return await done;
    } finally {
      this.ended = true;
      clearInterval(ticker);
      unsubscribe();
      this.options.signal.removeEventListener('abort', onAbort);
    }
  }

  private end(end: FollowEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.resolve(end);
  }

  /** Jobs that changed before this follower listened (a fast service, an earlier run) are read from the ledger. */
  private async readJobs(): Promise<void> {
    for (let cursor: string | undefined, more = true; more && !this.ended;) {
      const page = await this.options.handlers['jobs.page']({
        filters: { batchId: this.options.batchId },
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      for (const job of page.jobs) {
        if (job.duplicatePossible) this.mayBeDuplicated(job.id);
        this.onJob(job.id, job.state, job.error?.message ?? null, false);
      }
      cursor = page.nextCursor ?? undefined;
      more = cursor !== undefined;
    }
  }

  /**
   * A job sent again after an interruption to a service that could not say whether it already had it (the API
   * edition's queue without its search): it may render twice, and may be billed twice. Said once per job.
   */
  private mayBeDuplicated(jobId: string): void {
    if (this.duplicateWarned.has(jobId)) return;
    this.duplicateWarned.add(jobId);
    this.options.reporter.event(
      { type: 'duplicate-possible', job: jobId },
      `Job ${jobId} may be rendered twice: it was sent again after an interruption, and the service could not say whether it already had it.`,
    );
  }

  private onEvent(event: string, payload: unknown): void {
    if (this.ended) return;
    if (event === 'jobs.changed') {
      for (const change of (payload as EventPayload<'jobs.changed'>).changes) {
        if (change.batchId !== this.options.batchId) continue;
        if (change.progress !== undefined || change.position !== undefined) this.progressed();
        if (change.duplicatePossible) this.mayBeDuplicated(change.id);
        const retried = change.state === 'pending' && change.error != null;
        this.onJob(change.id, change.state, change.error?.message ?? null, retried);
      }
    } else if (event === 'services.connection') {
      this.onConnection(payload as ServiceConnectionDto);
    } else if (event === 'gallery.added' || event === 'gallery.changed') {
      const { images } = payload as EventPayload<'gallery.added'>;
      if (images.some((image) => image.batchId === this.options.batchId)) this.refresh();
    }
  }

  private onJob(id: string, state: JobStateDto, error: string | null, retried: boolean): void {
    let track = this.jobs.get(id);
    if (!track) {
      track = { state, error, settling: false, finished: false };
      this.jobs.set(id, track);
    } else if (RANK[state] > RANK[track.state]) {
      this.progressed();
    }
    if (retried && error) {
      this.lastError = error;
      this.options.reporter.event({ type: 'retry', job: id, reason: error }, `Job ${id}: ${error} Trying again.`);
    }
    track.state = state;
    if (error) track.error = error;
    if (isTerminal(state) && !track.settling) {
      track.settling = true;
      this.settle(id, track).catch((failure: unknown) => this.fail(failure));
    }
  }

  private onConnection(report: ServiceConnectionDto): void {
    const service = this.options.services.find(({ id }) => id === report.serviceId);
    if (!service || this.ended) return;
    const { name } = service;
    const { connection } = report;
    if (report.dispatchPaused || connection.state === 'auth-failed') {
      if (this.paused.has(service.id)) return;
      this.paused.add(service.id);
      const detail = report.message ?? (connection.state === 'auth-failed' ? connection.reason : undefined);
      const reason = this.options.hasToken(service.id)
        ? `${name}: ${detail ?? 'the service refused the token.'}`
        : `${name} asks for a token and none is set. Put the token in an environment variable and pass --token-env VAR (or set ARTLAB_TOKEN).`;
      // A pool goes on without a paused member: what it never received goes to the others.
      const left = this.options.services.filter(({ id }) => !this.paused.has(id));
      if (left.length > 0) {
        const message = `${reason} It takes no more work; the batch goes on with ${namesOf(left)}.`;
        this.options.reporter.event({ type: 'paused', service: name, reason, continuing: true }, message);
        return;
      }
      this.options.reporter.event({ type: 'paused', reason }, `Stopped: ${reason}`);
      this.end({ kind: 'paused', reason });
      return;
    }
    if (connection.state === 'backing-off') {
      const retryInSeconds = Math.max(0, Math.round((connection.nextAttemptAt - this.now()) / 1000));
      this.lastError = connection.reason;
      this.options.reporter.event(
        { type: 'connection', state: 'backing-off', reason: connection.reason, retryInSeconds },
        `The connection to ${name} dropped (${connection.reason}); trying again in ${retryInSeconds} s.`,
      );
    }
  }

  private async settle(id: string, track: Track): Promise<void> {
    if (track.state !== 'succeeded') {
      this.finish(id, track, { job: id, state: track.state, files: [], missing: [], error: track.error });
      return;
    }
    const job = await this.options.handlers['jobs.get']({ jobId: id });
    track.expected = job.results.reduce((sum, result) => sum + result.outputs.length, 0);
    if (track.expected === 0) {
      this.finish(id, track, { job: id, state: 'succeeded', files: [], missing: [], error: null });
      return;
    }
    this.refresh();
  }

  private finish(id: string, track: Track, outcome: JobOutcome): void {
    if (track.finished || this.ended) return;
    track.finished = true;
    this.outcomes.push(outcome);
    this.progressed();
    this.options.reporter.job(outcome);
    this.options.reporter.progress(this.outcomes.length, this.options.total);
    this.checkFinished();
  }

  private checkFinished(): void {
    if (this.outcomes.length >= this.options.total) this.end({ kind: 'finished', outcomes: this.outcomes });
  }

  private progressed(): void {
    this.lastProgress = this.now();
  }

  private tick(): void {
    if (this.ended) return;
    const now = this.now();
    if (now - this.lastPoll >= POLL_MS) this.refresh();
    if (now - this.lastProgress < this.options.stallTimeoutMs) return;
    const seconds = Math.round(this.options.stallTimeoutMs / 1000);
    const waiting = [...this.jobs.values()].filter((track) => !track.finished);
    const sent = waiting.filter((track) => RANK[track.state] >= RANK.submitting && !isTerminal(track.state)).length;
    const images = waiting.filter((track) => track.expected !== undefined).length;
    const reason =
      `Nothing moved for ${seconds} s: ${waiting.length} of ${this.options.total} jobs are not finished ` +
      `(${waiting.length - sent - images} not sent, ${sent} with ${namesOf(this.options.services)}, ${images} waiting for images)` +
      `${this.lastError ? `; the last error: ${this.lastError}` : ''}. Check that the service is running and the URL ` +
      'is right, then run again (--stall-timeout sets how long to wait).';
    this.options.reporter.event({ type: 'stalled', seconds, reason }, `Gave up: ${reason}`);
    this.end({ kind: 'stalled', reason });
  }

  /** Reads the batch's images from the gallery and finishes every job whose images have all arrived or failed. */
  private refresh(): void {
    if (this.ended) return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    const waiting = [...this.jobs.entries()].filter(([, track]) => track.expected !== undefined && !track.finished);
    if (waiting.length === 0) return;
    this.refreshing = true;
    this.lastPoll = this.now();
    this.readImages()
      .then((byJob) => this.finishArrived(waiting, byJob))
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.refreshing = false;
        if (this.refreshAgain) {
          this.refreshAgain = false;
          this.refresh();
        }
      });
  }

  private async readImages(): Promise<Map<string, GalleryImage[]>> {
    const byJob = new Map<string, GalleryImage[]>();
    for (let cursor: string | undefined, more = true; more && !this.ended;) {
      const page = await this.options.handlers['gallery.page']({
        filters: { batchId: this.options.batchId },
        sort: 'oldest',
        limit: 500,
        ...(cursor ? { cursor } : {}),
      });
      for (const image of page.images) {
        if (image.jobId === null) continue;
        if (this.imageStates.get(image.id) !== image.state) {
          this.imageStates.set(image.id, image.state);
          this.progressed();
        }
        const list = byJob.get(image.jobId) ?? [];
        list.push(image);
        byJob.set(image.jobId, list);
      }
      cursor = page.nextCursor ?? undefined;
      more = cursor !== undefined;
    }
    return byJob;
  }

  private async finishArrived(waiting: [string, Track][], byJob: Map<string, GalleryImage[]>): Promise<void> {
    for (const [id, track] of waiting) {
      const images = byJob.get(id) ?? [];
      if (images.length < (track.expected ?? 0) || images.some((image) => image.state === 'pending')) continue;
      const files: string[] = [];
      const missing: MissingImage[] = [];
      for (const image of images) {
        if (image.state !== 'fetched') {
          missing.push({ filename: image.filename, reason: image.error ?? 'The image could not be fetched.' });
          continue;
        }
        try {
          files.push(await this.copyOut(image));
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          missing.push({
            filename: image.filename,
            reason: `It could not be copied into ${this.options.outDir}: ${reason}`,
          });
        }
      }
      const error =
        missing.length === 0
          ? null
          : `${missing.length} of ${images.length} image(s) could not be fetched: ${missing
              .map((entry) => `${entry.filename}: ${entry.reason}`)
              .join('; ')}`;
      this.finish(id, track, { job: id, state: 'succeeded', files, missing, error });
    }
  }

  /** The image's verified copy from the gallery's cache, under a name not yet taken in --out. */
  private async copyOut(image: GalleryImage): Promise<string> {
    const earlier = this.options.copies.get(image.id);
    if (earlier !== undefined && existsSync(earlier)) return earlier;
    // A run killed between the copy and its record left the copy in --out: find it instead of adding a " (2)".
    const copied = await this.identicalCopy(image);
    if (copied !== undefined) {
      this.options.copies.set(image.id, copied);
      return copied;
    }
    // Into --out: the Studio's gallery host answers the export's folder question with it (run-command.ts).
    const result = await this.options.handlers['gallery.export']({ ids: [image.id] });
    const written = result.files.find((file) => file.id === image.id);
    if (!written) throw new NotFoundError('It left the local cache before it was copied. Run the command again.');
    const file = join(this.options.outDir, written.name);
    this.options.copies.set(image.id, file);
    return file;
  }

  /** A file in --out under the image's name (or a numbered one) with the same bytes as the cached original. */
  private async identicalCopy(image: GalleryImage): Promise<string | undefined> {
    const ext = extname(image.filename);
    const stem = image.filename.slice(0, image.filename.length - ext.length);
    let sha256: string | null | undefined;
    for (let n = 1; n < 10_000; n++) {
      const file = join(this.options.outDir, n === 1 ? image.filename : `${stem} (${n})${ext}`);
      if (!existsSync(file)) return undefined;
      sha256 ??= (await this.options.handlers['gallery.get']({ id: image.id })).sha256;
      if (sha256 === null) return undefined;
      const bytes = await readFile(file);
      if (createHash('sha256').update(bytes).digest('hex') === sha256) return file;
    }
    return undefined;
  }
}
