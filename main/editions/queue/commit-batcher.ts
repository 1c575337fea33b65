// Commits of sink frames, coalesced: indexes handed in within a few milliseconds go out as one `PUT ?_indexes_=`, one
// request at a time. Only the watcher adds an index, and only after the frame's handler resolved.
import { startDeadline } from '../deadline';
import { AuthError, isArtlabError } from '../../errors';
import type { QueueClient } from './queue-client';
import { backoffDelay, type BackoffOptions, type TimerClock } from './watch-support';

const BATCH_LIMIT = 200; // keeps the query string short
const RETRY_EXTRA_MS = 50;

export interface CommitBatcherOptions {
  sink: QueueClient;
  clock: TimerClock;
  random: () => number;
  backoff: BackoffOptions;
  delayMs: number;
  onCommitted(indexes: number[]): void;
  /** The frames stay pending on the server; the batcher keeps them and tries again. */
  onFailed(indexes: number[], error: unknown): void;
  onAuthFailed(error: AuthError): void;
}

export class CommitBatcher {
  private readonly waiting = new Set<number>();
  private cancelTimer: (() => void) | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(private readonly options: CommitBatcherOptions) {}

  add(index: number): void {
    if (index <= 0 || this.stopped) return; // index 0 is an empty frame, never an item
    this.waiting.add(index);
    if (!this.cancelTimer && !this.inFlight) this.arm(this.options.delayMs);
  }

  /** No more commits: timers cancelled, the request in flight aborted. */
  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.abort.abort();
  }

  /** Sends what is waiting, within `deadlineMs`, then stops. */
  async drain(deadlineMs: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const deadline = startDeadline(deadlineMs);
    deadline.signal.addEventListener('abort', () => this.abort.abort(), { once: true });
    try {
      await this.inFlight;
      const batch = [...this.waiting];
      this.waiting.clear();
      if (batch.length > 0) {
        await this.options.sink.commit(batch, this.abort.signal).then(
          () => this.options.onCommitted(batch),
          () => undefined,
        );
      }
    } finally {
      deadline.clear();
      this.abort.abort();
    }
  }

  private arm(delay: number): void {
    if (this.stopped) return;
    this.cancelTimer = this.options.clock.setTimer(() => {
      this.cancelTimer = undefined;
      this.inFlight = this.flush().finally(() => {
        this.inFlight = undefined;
        if (this.waiting.size > 0 && !this.cancelTimer) this.arm(this.options.delayMs);
      });
    }, delay);
  }

  private async flush(): Promise<void> {
    const batch = [...this.waiting].slice(0, BATCH_LIMIT);
    for (const index of batch) this.waiting.delete(index);
    if (batch.length === 0) return;
    try {
      await this.options.sink.commit(batch, this.abort.signal);
      this.options.onCommitted(batch);
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof AuthError) return this.options.onAuthFailed(error);
      for (const index of batch) this.waiting.add(index);
      this.options.onFailed(batch, error);
      if (!isArtlabError(error) || error.retryable) {
        this.arm(backoffDelay(1, this.options.backoff, this.options.random) + RETRY_EXTRA_MS);
      }
    }
  }
}
