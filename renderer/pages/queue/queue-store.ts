// The Queue page's data outside React state: batches newest first, each batch's jobs as pages loaded while the
// artist scrolls (keyset paging), patched in place by the coalesced `jobs.changed` deltas. React sees a version number;
// 10,000 jobs stay in plain arrays instead of being copied into state on every event.
import type { BatchSummaryDto, JobChangeDto, JobDto, JobStateDto } from '../../../preload/schemas/jobs';

export interface JobView extends JobDto {
  /** Queue edition: jobs ahead of it in the input queue (from the latest change). */
  position?: number;
  duplicatePossible?: boolean;
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
  /** jobId → its batch, for applying deltas without scanning. */
  private readonly jobBatch = new Map<string, string>();
  readonly thumbs = new Map<string, string>();

  reset(): void {
    this.jobs.clear();
    this.jobBatch.clear();
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
    const known = new Set(entry.jobs.map((job) => job.id));
    for (const job of jobs) {
      if (known.has(job.id)) continue;
      entry.jobs.push(job);
      this.jobBatch.set(job.id, batchId);
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
    this.batchesComplete = page.length < pageSize;
    this.upsertBatches(page);
  }

  removeBatch(batchId: string): void {
    this.batches = this.batches.filter((batch) => batch.id !== batchId);
    this.jobs.delete(batchId);
  }

  /** Applies the latest state of each changed job that is loaded; returns whether anything shown changed. */
  applyChanges(changes: JobChangeDto[]): boolean {
    let changed = false;
    for (const change of changes) {
      const batchId = this.jobBatch.get(change.id);
      const entry = batchId ? this.jobs.get(batchId) : undefined;
      const index = entry ? entry.jobs.findIndex((job) => job.id === change.id) : -1;
      const job = entry?.jobs[index];
      if (!entry || !job) continue;
      const next: JobView = { ...job, state: change.state };
      if (change.progress !== undefined) next.progress = change.progress;
      if (change.error !== undefined) next.error = change.error;
      if (change.position !== undefined) next.position = change.position;
      if (change.duplicatePossible !== undefined) next.duplicatePossible = change.duplicatePossible;
      // A job that left the running state keeps no stale progress bar.
      if (change.state !== 'running' && change.progress === undefined) next.progress = null;
      entry.jobs[index] = next;
      changed = true;
    }
    return changed;
  }

  replaceJob(job: JobDto): void {
    const entry = this.jobs.get(job.batchId);
    const index = entry ? entry.jobs.findIndex((item) => item.id === job.id) : -1;
    if (entry && index >= 0) entry.jobs[index] = job;
  }
}

/** The queue-edition position or Exclusive queue number, whichever the job has. */
export function queuePosition(job: JobView): number | null {
  if (job.position !== undefined) return job.position;
  return job.state === 'queued' ? job.queueIndex : null;
}

export const ACTIVE_STATES: JobStateDto[] = ['pending', 'submitting', 'queued', 'running'];
export const FAILED_STATES: JobStateDto[] = ['failed', 'lost'];

/** The prompt and seed of a job from its parameters (`<node>.<input>` → value): the seed input by name, the prompt as
 * the longest text (a shared negative is usually the shorter one). */
export function jobSummary(params: JobDto['params']): { prompt: string | null; seed: string | null } {
  let prompt: string | null = null;
  let seed: string | null = null;
  for (const [key, value] of Object.entries(params)) {
    if (/\.(noise_)?seed$/.test(key) && (typeof value === 'string' || typeof value === 'number')) seed = String(value);
    else if (typeof value === 'string' && /\.(text|prompt|positive)$/.test(key)) {
      if (prompt === null || value.length > prompt.length) prompt = value;
    }
  }
  return { prompt, seed };
}
