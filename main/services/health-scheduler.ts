// The periodic health check while the app runs: one round at a time (a slow round delays the next instead of
// overlapping it), services checked one after another so a long list does not burst the network.
import { TypedEmitter } from '../typed-emitter';

export interface HealthSchedulerOptions {
  intervalMs: number;
  /** The ids to check this round. */
  serviceIds: () => string[];
  /** `signal` aborts when the scheduler closes, so quitting never waits for a slow service. */
  check: (serviceId: string, signal: AbortSignal) => Promise<unknown>;
  /** A check that threw (checks report failures as results, so this is a bug): recorded, the round goes on. */
  onError?: (serviceId: string, error: unknown) => void;
  /** Delay of the first round (default: the interval; 0 = right away). */
  firstDelayMs?: number;
}

export class HealthScheduler {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly events = new TypedEmitter<{ round: undefined }>();

  constructor(private readonly options: HealthSchedulerOptions) {
    this.schedule(options.firstDelayMs ?? options.intervalMs);
  }

  /** Called after each completed round; returns the unsubscribe. */
  onRound(listener: () => void): () => void {
    return this.events.on('round', listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.abort.abort(new Error('health checks closed'));
    this.events.clear();
    await this.round;
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.round = this.runRound().finally(() => {
        this.round = undefined;
        this.events.emit('round', undefined);
        this.schedule(this.options.intervalMs);
      });
    }, delayMs);
    // A pending check must not keep a CLI or a test process alive.
    this.timer.unref();
  }

  private async runRound(): Promise<void> {
    for (const id of this.options.serviceIds()) {
      if (this.closed) return;
      try {
        await this.options.check(id, this.abort.signal);
      } catch (error) {
        if (!this.closed) this.options.onError?.(id, error);
      }
    }
  }
}
