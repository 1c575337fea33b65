// PreviewImage files of a job still running (the Exclusive edition's `executed` frames), fetched to show on the job in
// the Queue meanwhile. They live in `<data>/live/` under a number for this session, never in the Gallery: the job's
// result brings the same files as its own (stored not kept, gallery-index.ts), and then these go. Bounded: a few per
// job, a few dozen in all (the oldest go first), each within the edition's download limits; cleared at start and close.
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { probeMedia } from '../comfy/media-probe';
import type { Edition, EditionOutputFile, JobPreviewsInfo } from '../editions/edition';
import type { Logger } from '../log/logger';
import { readHead } from './image-cache';
import type { MediaFile } from './gallery-module';

/** Previews fetched per job: a workflow previewing every step of a long chain shows the first few. */
const PER_JOB = 4;
/** Previews on disk at once: the oldest go first. */
const IN_ALL = 48;

export interface LivePreviewsOptions {
  /** `<data>/live`. */
  dir: string;
  edition(serviceId: string): Edition | undefined;
  /** A preview is ready: its number (served as the `live` variant) and its job. */
  onReady(jobId: string, id: number): void;
  logger: Logger;
}

interface LiveFile extends MediaFile {
  jobId: string;
}

export class LivePreviews {
  /** From the clock, so that a number never names two pictures across sessions (media responses are cached). */
  private next = Date.now();
  /** In the order they arrived: the first is the oldest. */
  private readonly files = new Map<number, LiveFile>();
  private readonly asked = new Map<string, number>();
  private readonly settled = new Set<string>();
  private readonly abort = new AbortController();
  private readonly tasks = new Set<Promise<void>>();
  /** Files of an earlier session are nobody's (their jobs ended, or will bring their results again): removed first. */
  private readonly cleared: Promise<void>;

  constructor(private readonly options: LivePreviewsOptions) {
    this.cleared = rm(options.dir, { recursive: true, force: true }).catch((error: unknown) =>
      options.logger.warn('old previews could not be removed', error),
    );
  }

  add(info: JobPreviewsInfo): void {
    if (this.abort.signal.aborted || this.settled.has(info.jobId)) return;
    for (const file of info.files) {
      const asked = this.asked.get(info.jobId) ?? 0;
      if (asked >= PER_JOB) return;
      this.asked.set(info.jobId, asked + 1);
      const task = this.fetch(info, file).catch((error: unknown) => {
        if (!this.abort.signal.aborted) this.options.logger.warn(`a preview of job ${info.jobId} was not shown`, error);
      });
      this.tasks.add(task);
      void task.finally(() => this.tasks.delete(task));
    }
  }

  /** The file behind `<id>/live`, while its job runs. */
  get(id: number): MediaFile | undefined {
    const file = this.files.get(id);
    return file && { path: file.path, mime: file.mime, size: file.size };
  }

  /** The latest preview of each job that has one. */
  latest(): { jobId: string; id: number }[] {
    const byJob = new Map<string, number>();
    for (const [id, file] of this.files) byJob.set(file.jobId, id);
    return [...byJob].map(([jobId, id]) => ({ jobId, id }));
  }

  /** The job's result is stored: its own images take over, these go. */
  settle(jobId: string): void {
    this.settled.add(jobId);
    this.asked.delete(jobId);
    for (const [id, file] of [...this.files]) if (file.jobId === jobId) this.drop(id);
    // Enough to ignore a late frame of a job just settled, without growing for the session.
    if (this.settled.size > 1000) this.settled.delete(this.settled.values().next().value ?? '');
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.cleared;
    await Promise.allSettled([...this.tasks]);
    this.files.clear();
    await rm(this.options.dir, { recursive: true, force: true }).catch(() => undefined);
  }

  private async fetch(info: JobPreviewsInfo, file: EditionOutputFile): Promise<void> {
    await this.cleared;
    const edition = this.options.edition(info.serviceId);
    if (!edition || this.abort.signal.aborted) return;
    await mkdir(this.options.dir, { recursive: true });
    const id = this.next++;
    const part = join(this.options.dir, `${id}.part`);
    try {
      await edition.download(file, part, this.abort.signal);
      const type = probeMedia(await readHead(part));
      // Only pictures: anything else waits for the result, which the gallery checks in full.
      if (type?.media !== 'image' || this.settled.has(info.jobId) || this.abort.signal.aborted) return;
      const path = join(this.options.dir, `${id}.${type.ext}`);
      await rename(part, path);
      const { size } = await stat(path);
      this.files.set(id, { jobId: info.jobId, path, mime: type.mime, size });
      while (this.files.size > IN_ALL) this.drop(this.files.keys().next().value ?? id);
      this.options.onReady(info.jobId, id);
    } finally {
      await rm(part, { force: true });
    }
  }

  private drop(id: number): void {
    const file = this.files.get(id);
    if (!file) return;
    this.files.delete(id);
    void rm(file.path, { force: true }).catch(() => undefined);
  }
}
