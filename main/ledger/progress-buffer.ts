// Progress ticks of running jobs, held in memory and written together at most every `flushMs`. Reads see a tick at
// once; the disk sees one transaction per interval instead of one per sampler step. After a crash a slightly stale
// bar is harmless: the job's state, not its progress, is what recovery needs.

import type { JobProgress } from './ledger-rows';

export class ProgressBuffer {
  private readonly latest = new Map<string, JobProgress>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly flushMs: number,
    /** Writes the given ticks (one transaction). */
    private readonly write: (entries: [string, JobProgress][]) => void,
    private readonly reportError: (error: unknown) => void,
  ) {}

  set(jobId: string, progress: JobProgress): void {
    if (this.closed) return;
    this.latest.set(jobId, { ...progress });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      try {
        this.flush();
      } catch (error) {
        this.reportError(error);
      }
    }, this.flushMs);
    this.timer.unref();
  }

  get(jobId: string): JobProgress | undefined {
    return this.latest.get(jobId);
  }

  /** The job left `running`: its ticks are no longer worth writing. */
  forget(jobId: string): void {
    this.latest.delete(jobId);
  }

  flush(): void {
    if (this.latest.size === 0) return;
    const entries = [...this.latest];
    this.latest.clear();
    this.write(entries);
  }

  /** Writes what is held and stops the timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }
}
