// How much pool work an API-edition service takes: its EAS queue buffers everything it is sent, so its own limit
// (requests in flight) says nothing about how fast it renders. Its input queue's consumers are its workers (one per
// instance serving ComfyUI): two jobs in hand per worker keep each busy, as two per Exclusive service do. Read in the
// background at most every 30 s; until the first read answers, and when the attribute is missing, the lane's own
// limit applies (DESIGN: dispatch by capacity, the queue's attributes when present).

/** Jobs in hand per worker: one rendering, one waiting. */
export const SLOTS_PER_WORKER = 2;
const REFRESH_MS = 30_000;

export class WorkerCapacity {
  private workers: number | undefined;
  private readAt = Number.NEGATIVE_INFINITY;
  private reading = false;

  constructor(
    /** The consumers of the input queue, or undefined when the service does not say. */
    private readonly read: () => Promise<number | undefined>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Slots for pool work from the workers last seen, or undefined when unknown. A stale figure starts a new read. */
  slots(): number | undefined {
    if (!this.reading && this.now() - this.readAt >= REFRESH_MS) void this.refresh();
    // No consumer at all is read as "not said": the real service's workers may not show as consumers (not published),
    // and a member that took no work on that reading would sit idle for good. A stopped one refuses sends anyway.
    return this.workers === undefined || this.workers <= 0 ? undefined : this.workers * SLOTS_PER_WORKER;
  }

  private async refresh(): Promise<void> {
    this.reading = true;
    try {
      this.workers = await this.read();
    } catch {
      // Unreachable or refused: the last figure stands (the lane's own failures say why).
    } finally {
      this.readAt = this.now();
      this.reading = false;
    }
  }
}
