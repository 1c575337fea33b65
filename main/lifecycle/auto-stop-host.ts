// Auto-stop as the Studio runs it: the services that ask for it, their work from the ledger and the gallery, the GPU's
// state from the last lifecycle read (read again when older than a few minutes), and each notice handed on (the Studio
// sends it to the renderer and, for a warning or a stop, as a system notification in the artist's language).
import type { ServiceLifecycleDto } from '../../preload/schemas/lifecycle';
import { AutoStopper, type AutoStopNotice, type AutoStopService } from './auto-stop';

/** A lifecycle read older than this is read again before auto-stop relies on it. */
const STATUS_FRESH_MS = 5 * 60_000;
/** EAS statuses in which the GPU is held (and billed). */
const HOLDING = new Set(['Running', 'Scaling', 'HotUpdate']);

export interface AutoStopHostDeps {
  services(): AutoStopService[];
  busy(serviceId: string): boolean;
  read(serviceId: string): Promise<ServiceLifecycleDto>;
  stop(serviceId: string): Promise<ServiceLifecycleDto>;
  notify(notice: AutoStopNotice): void;
  now(): number;
}

export interface AutoStopHost {
  /** Every lifecycle read the app makes (the Services page's, a start's) keeps auto-stop's view current. */
  observed(dto: ServiceLifecycleDto): void;
  keepRunning(serviceId: string): void;
  close(): void;
}

export function startAutoStop(deps: AutoStopHostDeps): AutoStopHost {
  const status = new Map<string, { holding: boolean; at: number }>();
  const observed = (dto: ServiceLifecycleDto): void => {
    status.set(dto.serviceId, { holding: HOLDING.has(dto.status), at: dto.readAt });
  };
  const stopper = new AutoStopper({
    services: () => deps.services(),
    busy: (serviceId) => deps.busy(serviceId),
    running: (serviceId) => {
      const known = status.get(serviceId);
      return known && deps.now() - known.at < STATUS_FRESH_MS ? known.holding : undefined;
    },
    refresh: async (serviceId) => observed(await deps.read(serviceId)),
    stop: async (serviceId) => observed(await deps.stop(serviceId)),
    notify: (notice) => deps.notify(notice),
    now: () => deps.now(),
    setInterval: (callback, ms) => {
      const handle = setInterval(callback, ms);
      handle.unref();
      return { clear: () => clearInterval(handle) };
    },
  });
  return { observed, keepRunning: (serviceId) => stopper.keepRunning(serviceId), close: () => stopper.close() };
}
