// Batches held while the GPU of their service starts. A batch queued on a stopped service with "start it" is stored
// paused (nothing sent: the gateway's 503/404 during a start is waiting, not failure, so no job fails and no retry is
// spent), the service is started, and EAS is read with a growing interval until it says Running with an instance up
// and the service answers its health check; then the batch is resumed. A start that fails, or that is still not
// done after START_WAIT_MS, leaves the batch paused with the reason: nothing is lost, the artist chooses.
import type { BatchHoldDto } from '../../preload/schemas/jobs';
import type { ServiceLifecycleDto } from '../../preload/schemas/lifecycle';

/** How long a start may take before the hold gives up (EAS starts take minutes; placement can take longer). */
export const START_WAIT_MS = 30 * 60_000;
/** Between two reads: 2 s at first, growing to 15 s. */
const FIRST_POLL_MS = 2_000;
const MAX_POLL_MS = 15_000;

export interface StartHoldDeps {
  start(serviceId: string): Promise<ServiceLifecycleDto>;
  read(serviceId: string): Promise<ServiceLifecycleDto>;
  /** The service's health check: true when it answers as it should. */
  healthy(serviceId: string): Promise<boolean>;
  resume(batchId: string): void;
  /** The batch's summary changed (its hold began, moved on, or ended). */
  changed(batchId: string): void;
  now(): number;
  /** The longest wait; START_WAIT_MS by default. */
  waitMs?: number;
  /** First interval between reads; FIRST_POLL_MS by default. */
  pollMs?: number;
}

/** EAS statuses of a GPU not running and not on its way: a batch for it needs a start. */
export function needsStart(status: string): boolean {
  return ['Stopped', 'Stopping', 'Failed'].includes(status);
}

export class StartHolds {
  private readonly holds = new Map<string, BatchHoldDto>();
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: StartHoldDeps) {}

  heldOf(batchId: string): BatchHoldDto | undefined {
    return this.holds.get(batchId);
  }

  /** Starts the service and waits for it in the background; the batch is already stored paused. */
  begin(batchId: string, serviceId: string): void {
    this.holds.set(batchId, { serviceId, state: 'starting', since: this.deps.now() });
    this.deps.changed(batchId);
    void this.run(batchId, serviceId);
  }

  /** The artist resumed or cancelled the batch: its hold no longer applies. */
  release(batchId: string): void {
    if (this.holds.delete(batchId)) this.deps.changed(batchId);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async run(batchId: string, serviceId: string): Promise<void> {
    const began = this.deps.now();
    let wait = this.deps.pollMs ?? FIRST_POLL_MS;
    try {
      let state = await this.deps.start(serviceId);
      // A service that had failed may still read Failed just after the start was asked for: only a Failed seen after
      // it moved on, or three times in a row, ends the wait.
      let movedOn = state.status !== 'Failed';
      let failedReads = 0;
      for (;;) {
        if (this.closed || !this.holds.has(batchId)) return;
        failedReads = state.status === 'Failed' ? failedReads + 1 : 0;
        if (state.status !== 'Failed') movedOn = true;
        if (state.status === 'Failed' && (movedOn || failedReads >= 3)) {
          return this.fail(batchId, state.status, state.reason ?? state.message ?? 'EAS reports the start failed.');
        }
        if (state.status === 'Running' && state.running > 0 && (await this.deps.healthy(serviceId))) {
          if (!this.holds.delete(batchId)) return;
          this.deps.resume(batchId);
          this.deps.changed(batchId);
          return;
        }
        this.update(batchId, state.status);
        if (this.deps.now() - began > (this.deps.waitMs ?? START_WAIT_MS)) {
          const minutes = Math.round((this.deps.waitMs ?? START_WAIT_MS) / 60_000);
          return this.fail(batchId, state.status, `The service was still not running after ${minutes} minutes.`);
        }
        await this.sleep(wait);
        wait = Math.min(MAX_POLL_MS, Math.round(wait * 1.5));
        state = await this.deps.read(serviceId).catch((error: unknown) => ({ ...state, message: String(error) }));
      }
    } catch (error) {
      this.fail(batchId, undefined, error instanceof Error ? error.message : String(error));
    }
  }

  private update(batchId: string, status: string): void {
    const hold = this.holds.get(batchId);
    if (!hold || hold.status === status) return;
    this.holds.set(batchId, { ...hold, status });
    this.deps.changed(batchId);
  }

  private fail(batchId: string, status: string | undefined, reason: string): void {
    const hold = this.holds.get(batchId);
    if (!hold) return;
    this.holds.set(batchId, { ...hold, state: 'failed', ...(status ? { status } : {}), reason });
    this.deps.changed(batchId);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}
