// Auto-stop: a service that asks for it (`control.autoStopIdleMinutes`) is stopped through the EAS control API after
// that many minutes with nothing to do — no job of it waiting, being sent, queued or running, no result or image of it
// still to fetch. A warning comes a minute before (the artist may keep it running, which starts the wait again) and a
// notice after. It never stops a service with work in flight: busyness is read again just before the stop, and the
// lifecycle's own refusal (jobs in flight, without `force`) stands behind that. Only a service the app saw running
// is stopped: one already stopped, or never read, is left alone.

/** How long before the stop the warning comes. */
export const AUTO_STOP_WARNING_MS = 60_000;
/** How often idleness is looked at. A service's wait is measured from when it last had work, not from this tick. */
export const AUTO_STOP_TICK_MS = 15_000;

export interface AutoStopService {
  id: string;
  name: string;
  /** Minutes of idleness before the stop; undefined: auto-stop is off for it. */
  idleMinutes: number | undefined;
}

export type AutoStopNotice =
  | { kind: 'warning'; serviceId: string; name: string; stopAt: number; idleMinutes: number }
  | { kind: 'stopped'; serviceId: string; name: string; idleMinutes: number }
  | { kind: 'failed'; serviceId: string; name: string; reason: string }
  /** The warning no longer holds: work arrived, the artist kept it running, or auto-stop was turned off. */
  | { kind: 'cancelled'; serviceId: string };

export interface AutoStopDeps {
  services(): AutoStopService[];
  /** Whether the service has anything waiting, in flight or still to fetch. */
  busy(serviceId: string): boolean;
  /**
   * Whether the lifecycle last read says the GPU is running (or scaling); undefined when it was not read lately. The
   * stopper then asks for a read (`refresh`) and looks again at the next tick.
   */
  running(serviceId: string): boolean | undefined;
  /** Reads the lifecycle now (what `running` answers after). */
  refresh(serviceId: string): Promise<void>;
  /** Stops it through the control API, without `force`: the lifecycle refuses when jobs are in flight. */
  stop(serviceId: string): Promise<void>;
  notify(notice: AutoStopNotice): void;
  now(): number;
  setInterval(callback: () => void, ms: number): { clear(): void };
}

interface Watch {
  /** When the service was last seen with work (or when watching began, or the artist kept it running). */
  lastBusyAt: number;
  warnedFor: number | undefined;
  stopping: boolean;
}

export class AutoStopper {
  private readonly watches = new Map<string, Watch>();
  private readonly ticker: { clear(): void };

  constructor(private readonly deps: AutoStopDeps) {
    this.ticker = deps.setInterval(() => this.tick(), AUTO_STOP_TICK_MS);
  }

  /** The artist chose to keep it running: the idle wait starts again from now. */
  keepRunning(serviceId: string): void {
    const watch = this.watches.get(serviceId);
    if (!watch) return;
    watch.lastBusyAt = this.deps.now();
    this.cancelWarning(serviceId, watch);
  }

  /** Work was queued or moved for a service: its idle wait starts again (the tick would see it too, later). */
  touched(serviceId: string): void {
    this.keepRunning(serviceId);
  }

  close(): void {
    this.ticker.clear();
  }

  tick(): void {
    const now = this.deps.now();
    const seen = new Set<string>();
    for (const service of this.deps.services()) {
      seen.add(service.id);
      this.check(service, now);
    }
    for (const [id, watch] of this.watches) {
      if (!seen.has(id)) {
        this.cancelWarning(id, watch);
        this.watches.delete(id);
      }
    }
  }

  private check(service: AutoStopService, now: number): void {
    let watch = this.watches.get(service.id);
    if (!watch) {
      watch = { lastBusyAt: now, warnedFor: undefined, stopping: false };
      this.watches.set(service.id, watch);
    }
    if (watch.stopping) return;
    const running = service.idleMinutes === undefined ? false : this.deps.running(service.id);
    if (running === undefined) {
      this.deps.refresh(service.id).catch(() => undefined);
      return;
    }
    if (service.idleMinutes === undefined || !running || this.deps.busy(service.id)) {
      watch.lastBusyAt = now;
      this.cancelWarning(service.id, watch);
      return;
    }
    const stopAt = watch.lastBusyAt + service.idleMinutes * 60_000;
    if (now >= stopAt) {
      void this.stop(service, watch);
      return;
    }
    if (now >= stopAt - AUTO_STOP_WARNING_MS && watch.warnedFor !== stopAt) {
      watch.warnedFor = stopAt;
      this.deps.notify({
        kind: 'warning',
        serviceId: service.id,
        name: service.name,
        stopAt,
        idleMinutes: service.idleMinutes,
      });
    }
  }

  private async stop(service: AutoStopService, watch: Watch): Promise<void> {
    watch.stopping = true;
    watch.warnedFor = undefined;
    try {
      // Read once more, at the last moment: a job queued since the tick keeps the GPU, and one stopped meanwhile (by
      // the artist, in the console) is not stopped again.
      await this.deps.refresh(service.id);
      if (this.deps.busy(service.id) || this.deps.running(service.id) !== true) {
        this.deps.notify({ kind: 'cancelled', serviceId: service.id });
        return;
      }
      await this.deps.stop(service.id);
      this.deps.notify({
        kind: 'stopped',
        serviceId: service.id,
        name: service.name,
        idleMinutes: service.idleMinutes ?? 0,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.deps.notify({ kind: 'failed', serviceId: service.id, name: service.name, reason });
    } finally {
      watch.stopping = false;
      watch.lastBusyAt = this.deps.now();
    }
  }

  private cancelWarning(serviceId: string, watch: Watch): void {
    if (watch.warnedFor === undefined) return;
    watch.warnedFor = undefined;
    this.deps.notify({ kind: 'cancelled', serviceId });
  }
}
