// The Studio's one set of open editions, one per service. Dispatch borrows a service's edition for its lane; the
// gallery and the workflow catalogues borrow the same one for downloads and /object_info — so reading an image never
// opens a scheduler lane or runs recovery, and a service is never talked to through two sets of sockets.
import type { Edition } from './edition';
import type { ServiceTarget } from './service-editions';
import { silentLogger, type Logger } from '../log/logger';

/** Builds a service's target from its saved connection (throws NotFoundError when the service is gone). */
export type ServiceTargetFactory = (serviceId: string) => ServiceTarget;

/** What dispatch needs of the pool. */
export interface EditionLender {
  /** The service's target, built on first use. Throws what the factory throws (a secret that cannot be opened). */
  target(serviceId: string): ServiceTarget;
  /** Closes the service's edition; the next `target()` builds a fresh one (a changed or deleted service). */
  release(serviceId: string): Promise<void>;
}

export class EditionPool implements EditionLender {
  private readonly open = new Map<string, ServiceTarget>();
  private closed = false;

  constructor(
    private readonly build: ServiceTargetFactory,
    private readonly logger: Logger = silentLogger,
  ) {}

  target(serviceId: string): ServiceTarget {
    if (this.closed) throw new Error('The edition pool is closed.');
    const existing = this.open.get(serviceId);
    if (existing) return existing;
    const built = this.build(serviceId);
    this.open.set(serviceId, built);
    return built;
  }

  /** For downloads and catalogue reads: the service's edition, or undefined when it cannot be opened now. */
  edition(serviceId: string): Edition | undefined {
    try {
      return this.target(serviceId).edition;
    } catch (error) {
      this.logger.warn(`cannot open the service ${serviceId}`, error);
      return undefined;
    }
  }

  async release(serviceId: string): Promise<void> {
    const target = this.open.get(serviceId);
    if (!target) return;
    this.open.delete(serviceId);
    await target.edition.close();
    await target.close?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.open.keys()].map((serviceId) => this.release(serviceId)));
  }
}
