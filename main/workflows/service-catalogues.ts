// Node catalogues (ComfyUI's /object_info) per service, read through the Studio's edition pool and kept until the
// service changes. Only editions that can describe their nodes have one (the API edition exposes no catalogue).
import type { NodeCatalog } from '../comfy/node-catalog';
import type { Edition } from '../editions/edition';
import type { Logger } from '../log/logger';

/** A capability, not an edition: services that can describe their nodes. */
function hasNodeCatalog(edition: Edition): edition is Edition & { nodeCatalog(): Promise<NodeCatalog> } {
  return 'nodeCatalog' in edition && typeof edition.nodeCatalog === 'function';
}

export class ServiceCatalogues {
  private readonly cached = new Map<string, NodeCatalog>();
  /** One read per service at a time: a caller that stopped waiting leaves it running for the next. */
  private readonly reading = new Map<string, Promise<NodeCatalog | undefined>>();
  /** Bumped by forget(): a read begun before describes the service as it was, and is not kept. */
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly editionOf: (serviceId: string) => Edition | undefined,
    private readonly logger: Logger,
  ) {}

  /**
   * The service's catalogue, read once and kept. `waitMs` bounds the wait for a first read (a service that does not
   * answer keeps its reader waiting up to the edition's own deadline); past it the answer is undefined, as for a
   * service without one, and the read goes on for the next caller.
   */
  async get(serviceId: string | undefined, options: { waitMs?: number } = {}): Promise<NodeCatalog | undefined> {
    if (serviceId === undefined) return undefined;
    const cached = this.cached.get(serviceId);
    if (cached) return cached;
    const edition = this.editionOf(serviceId);
    if (!edition || !hasNodeCatalog(edition)) return undefined;
    let reading = this.reading.get(serviceId);
    if (!reading) {
      reading = this.read(serviceId, edition);
      this.reading.set(serviceId, reading);
    }
    if (options.waitMs === undefined) return reading;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), options.waitMs);
    });
    try {
      return await Promise.race([reading, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async read(
    serviceId: string,
    edition: Edition & { nodeCatalog(): Promise<NodeCatalog> },
  ): Promise<NodeCatalog | undefined> {
    const generation = this.generation.get(serviceId) ?? 0;
    const current = () => (this.generation.get(serviceId) ?? 0) === generation;
    try {
      const catalog = await edition.nodeCatalog();
      if (current()) this.cached.set(serviceId, catalog);
      return catalog;
    } catch (error) {
      // The form still works from the workflow's own values; bounds come back when the service answers.
      this.logger.warn(`reading the node catalogue of ${serviceId} failed`, error);
      return undefined;
    } finally {
      if (current()) this.reading.delete(serviceId);
    }
  }

  forget(serviceId: string): void {
    this.cached.delete(serviceId);
    this.reading.delete(serviceId);
    this.generation.set(serviceId, (this.generation.get(serviceId) ?? 0) + 1);
  }
}
