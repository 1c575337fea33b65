// The Queue page's data outside React state: batches newest first, each batch's jobs as pages loaded while the
// artist scrolls (keyset paging), patched in place by the coalesced `jobs.changed` deltas. React sees a version number;
// 10,000 jobs stay in plain arrays instead of being copied into state on every event.
import type { GalleryImage } from '../../../preload/schemas/gallery';
import type { BatchSummaryDto, JobChangeDto, JobDto, JobStateDto } from '../../../preload/schemas/jobs';
import { inputLabel, isInputName } from '../../api/input-pictures';

export interface JobView extends JobDto {
  /** How many jobs wait ahead of it in its service's queue, as main last reported it while the job was queued. */
  position?: number;
  duplicatePossible?: boolean;
}

export interface JobThumb {
  url: string;
  imageId: number;
  /** A PreviewImage output not kept: shown only while the job has no kept image. */
  preview: boolean;
  /** A video (no thumbnail): `url` is the file itself, shown as a muted, looping clip. */
  video?: true;
}

export interface BatchJobs {
  jobs: JobView[];
  cursor: string | null;
  /** Every page of the batch (under the current filters) is loaded. */
  complete: boolean;
  loading: boolean;
}

export interface QueueFilters {
  states: JobStateDto[] | null;
  serviceId: string | null;
  batchId: string | null;
}

export class QueueStore {
  batches: BatchSummaryDto[] = [];
  batchesComplete = false;
  readonly jobs = new Map<string, BatchJobs>();
  /** jobId → its batch and place in that batch's loaded list, for applying deltas without scanning. */
  private readonly jobPlace = new Map<string, { batchId: string; index: number }>();
  /** jobId → its image in the gallery: the thumbnail shown in the row, and the image its click opens. */
  readonly thumbs = new Map<string, JobThumb>();
  /** jobId → the picture a PreviewImage node of the running job showed (until the job's own images arrive). */
  readonly live = new Map<string, string>();
  /** jobId → its PreviewImage outputs not kept yet (what the row's Keep keeps). */
  readonly previews = new Map<string, Set<number>>();

  /**
   * Takes images of the gallery for the rows: a job's thumbnail is its first kept image, or its first preview while
   * it has none; previews are counted per job until kept. Returns whether anything shown changed.
   */
  takeImages(images: readonly GalleryImage[]): boolean {
    let changed = false;
    for (const image of images) {
      const jobId = image.jobId;
      if (jobId === null) continue;
      const preview = image.preview === true;
      const waiting = this.previews.get(jobId);
      if (preview && image.state !== 'removed') {
        if (!waiting?.has(image.id)) this.previews.set(jobId, new Set(waiting).add(image.id));
        changed ||= !waiting?.has(image.id);
      } else if (waiting?.delete(image.id)) {
        if (waiting.size === 0) this.previews.delete(jobId);
        changed = true;
      }
      const shown = this.thumbs.get(jobId);
      // A video has no thumbnail: the row plays the file itself, muted.
      const video = image.media === 'video' && image.state === 'fetched' && image.url !== null;
      const url = image.thumbUrl ?? (video ? image.url : null);
      if (!url) {
        // Deleted (a preview not kept, a day on): no broken picture in the row.
        if (shown?.imageId === image.id) this.thumbs.delete(jobId);
        changed ||= shown?.imageId === image.id;
        continue;
      }
      // The first image shown stays, except that a kept image replaces a preview.
      if (shown && shown.imageId !== image.id && !(shown.preview && !preview)) continue;
      if (shown?.imageId === image.id && shown.preview === preview) continue;
      this.thumbs.set(jobId, { url, imageId: image.id, preview, ...(video && !image.thumbUrl ? { video: true } : {}) });
      changed = true;
    }
    return changed;
  }

  reset(): void {
    this.jobs.clear();
    this.jobPlace.clear();
  }

  batchJobs(batchId: string): BatchJobs {
    let entry = this.jobs.get(batchId);
    if (!entry) {
      entry = { jobs: [], cursor: null, complete: false, loading: false };
      this.jobs.set(batchId, entry);
    }
    return entry;
  }

  appendJobs(batchId: string, jobs: JobDto[], nextCursor: string | null): void {
    const entry = this.batchJobs(batchId);
    for (const job of jobs) {
      if (this.jobPlace.get(job.id)?.batchId === batchId) continue;
      this.jobPlace.set(job.id, { batchId, index: entry.jobs.length });
      entry.jobs.push(job);
    }
    entry.cursor = nextCursor;
    entry.complete = nextCursor === null;
    entry.loading = false;
  }

  /** Merges newer summaries; batches not seen before go in by creation time (newest first). */
  upsertBatches(batches: BatchSummaryDto[]): void {
    for (const batch of batches) {
      const index = this.batches.findIndex((item) => item.id === batch.id);
      if (index >= 0) this.batches[index] = batch;
      else {
        const at = this.batches.findIndex((item) => item.createdAt < batch.createdAt);
        // A batch older than every loaded one belongs to a page not loaded yet.
        if (at >= 0) this.batches.splice(at, 0, batch);
        else if (this.batchesComplete || this.batches.length === 0) this.batches.push(batch);
      }
    }
  }

  /** A page of `batches.list`; a short page is the last. */
  addBatchPage(page: BatchSummaryDto[], pageSize: number): void {
    // A page continues the list (older than everything loaded); only events may bring a batch that goes elsewhere.
    const known = new Set(this.batches.map((batch) => batch.id));
    this.batches.push(...page.filter((batch) => !known.has(batch.id)));
    this.batchesComplete = page.length < pageSize;
  }

  removeBatch(batchId: string): void {
    this.batches = this.batches.filter((batch) => batch.id !== batchId);
    this.forgetJobs(batchId);
  }

  /** Drops a batch's loaded jobs (its next page starts from the beginning). */
  forgetJobs(batchId: string): void {
    for (const job of this.jobs.get(batchId)?.jobs ?? []) this.jobPlace.delete(job.id);
    this.jobs.delete(batchId);
  }

  /** Applies the latest state of each changed job that is loaded; returns whether anything shown changed. */
  applyChanges(changes: JobChangeDto[]): boolean {
    let changed = false;
    for (const change of changes) {
      const place = this.jobPlace.get(change.id);
      const entry = place ? this.jobs.get(place.batchId) : undefined;
      const index = place?.index ?? -1;
      const job = entry?.jobs[index];
      if (!entry || job?.id !== change.id) continue;
      // serviceId moves too: a pool job is claimed by a member, pinned to one, or given back to its pool.
      const next: JobView = { ...job, state: change.state, serviceId: change.serviceId };
      if (change.progress !== undefined) next.progress = change.progress;
      if (change.error !== undefined) next.error = change.error;
      if (change.position !== undefined) next.position = change.position;
      // A place in the queue belongs to the job's time in it: once it runs, finishes or goes back to pending, it has none.
      else if (change.state !== 'queued') delete next.position;
      if (change.duplicatePossible !== undefined) next.duplicatePossible = change.duplicatePossible;
      if (change.texts !== undefined) next.texts = change.texts;
      // A job that left the running state keeps no stale progress bar.
      if (change.state !== 'running' && change.progress === undefined) next.progress = null;
      entry.jobs[index] = next;
      changed = true;
    }
    return changed;
  }

  replaceJob(job: JobDto): void {
    const place = this.jobPlace.get(job.id);
    const entry = place ? this.jobs.get(place.batchId) : undefined;
    if (entry && place && entry.jobs[place.index]?.id === job.id) entry.jobs[place.index] = job;
  }
}

/**
 * How many jobs wait ahead of a queued job, when main has said. Never the job's queue index: that is ComfyUI's prompt
 * number or the EAS input-queue index, which count every job ever sent, not the ones still waiting.
 */
export function queuePosition(job: JobView): number | null {
  return job.state === 'queued' && job.position !== undefined ? job.position : null;
}

export const ACTIVE_STATES: JobStateDto[] = ['pending', 'submitting', 'queued', 'running'];
export const FAILED_STATES: JobStateDto[] = ['failed', 'lost'];

/** The prompt and seed of a job from its parameters (`<node>.<input>` → value): the seed input by name, the prompt as
 * the longest text (a shared negative is usually the shorter one). */
export function jobSummary(params: JobDto['params']): {
  prompt: string | null;
  seed: string | null;
  /** The input images it was given by the app, as the artist knows them (file names chosen this session). */
  inputs: string[];
} {
  let prompt: string | null = null;
  let seed: string | null = null;
  const inputs: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (/\.(noise_)?seed$/.test(key) && (typeof value === 'string' || typeof value === 'number')) seed = String(value);
    else if (typeof value === 'string' && /\.(text|prompt|positive)$/.test(key)) {
      if (prompt === null || value.length > prompt.length) prompt = value;
    } else if (typeof value === 'string' && isInputName(value)) inputs.push(inputLabel(value));
  }
  return { prompt, seed, inputs };
}
