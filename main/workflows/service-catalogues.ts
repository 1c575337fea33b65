// Node catalogues (ComfyUI's /object_info) per service, read through the Studio's edition pool and kept until the
// service changes or the artist asks for a fresh read. Only editions that can describe their nodes have one (the API
// edition exposes no catalogue): a service without one may name another whose catalogue it uses (its source).
import { ValidationError } from '../errors';
import type { NodeCatalog } from '../comfy/node-catalog';
import type { Edition } from '../editions/edition';
import type { Logger } from '../log/logger';

/** A capability, not an edition: services that can describe their nodes. */
function hasNodeCatalog(edition: Edition): edition is Edition & { nodeCatalog(): Promise<NodeCatalog> } {
  return 'nodeCatalog' in edition && typeof edition.nodeCatalog === 'function';
}

/** A catalogue as it was read: when, and how many node types it lists. */
export interface CatalogueRead {
  /** The service the catalogue was read from: the one asked about, or the one it takes its models from. */
  serviceId: string;
  catalog: NodeCatalog;
  /** Milliseconds since the epoch, by the Studio's clock. */
  readAt: number;
  nodeTypes: number;
}

export class ServiceCatalogues {
  private readonly cached = new Map<string, CatalogueRead>();
  /** One read per service at a time: a caller that stopped waiting leaves it running for the next. */
  private readonly reading = new Map<string, Promise<CatalogueRead>>();
  /** Bumped by forget(): a read begun before describes the service as it was, and is not kept. */
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly editionOf: (serviceId: string) => Edition | undefined,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    /** Whose catalogue a service uses: itself, the service it is linked to, or none (undefined). */
    private readonly sourceOf: (serviceId: string) => string | undefined = (serviceId) => serviceId,
  ) {}

  /**
   * The service's catalogue, read once and kept. `waitMs` bounds the wait for a first read (a service that does not
   * answer keeps its reader waiting up to the edition's own deadline); past it the answer is undefined, as for a
   * service without one, and the read goes on for the next caller.
   */
  async get(serviceId: string | undefined, options: { waitMs?: number } = {}): Promise<NodeCatalog | undefined> {
    return (await this.read(serviceId, options))?.catalog;
  }

  /** As get(), with when the catalogue was read and how many node types it lists. */
  async read(asked: string | undefined, options: { waitMs?: number } = {}): Promise<CatalogueRead | undefined> {
    const serviceId = asked === undefined ? undefined : this.sourceOf(asked);
    if (serviceId === undefined) return undefined;
    const cached = this.cached.get(serviceId);
    if (cached) return cached;
    const edition = this.editionOf(serviceId);
    if (!edition || !hasNodeCatalog(edition)) return undefined;
    // The form still works from the workflow's own values; bounds come back when the service answers.
    const reading = this.start(serviceId, edition).catch(() => undefined);
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

  /**
   * Forgets what was read of the service (or of the one it takes its models from) and reads it again: models added
   * since show up. Refuses a service without a catalogue, and passes on why a read failed, so the artist sees it.
   * `nameOf` words a service for those refusals.
   */
  async refresh(asked: string, nameOf: (serviceId: string) => string = (id) => id): Promise<CatalogueRead> {
    const serviceId = this.sourceOf(asked);
    const edition = serviceId === undefined ? undefined : this.editionOf(serviceId);
    if (serviceId === undefined || (edition && !hasNodeCatalog(edition))) {
      throw new ValidationError(
        `${nameOf(asked)} does not list its models and choices (an API-edition service has no node catalogue).`,
      ).withCode('catalogue-none', { name: nameOf(asked) });
    }
    const unreadable = (detail: string) =>
      new ValidationError(`The models and choices of ${nameOf(serviceId)} could not be read: ${detail}`).withCode(
        'catalogue-unreadable',
        { name: nameOf(serviceId), detail },
      );
    // The pool could not open it now (its record unreadable, a secret missing): the log says why.
    if (!edition || !hasNodeCatalog(edition)) throw unreadable('the service could not be opened.');
    this.forget(serviceId);
    try {
      return await this.start(serviceId, edition);
    } catch (error) {
      throw unreadable(error instanceof Error ? error.message : String(error));
    }
  }

  private start(serviceId: string, edition: Edition & { nodeCatalog(): Promise<NodeCatalog> }): Promise<CatalogueRead> {
    let reading = this.reading.get(serviceId);
    if (!reading) {
      reading = this.load(serviceId, edition);
      this.reading.set(serviceId, reading);
      // Whoever asked may have stopped waiting: a failure is logged in load(), not left unhandled.
      reading.catch(() => undefined);
    }
    return reading;
  }

  private async load(
    serviceId: string,
    edition: Edition & { nodeCatalog(): Promise<NodeCatalog> },
  ): Promise<CatalogueRead> {
    const generation = this.generation.get(serviceId) ?? 0;
    const current = () => (this.generation.get(serviceId) ?? 0) === generation;
    try {
      const catalog = await edition.nodeCatalog();
      const read = { serviceId, catalog, readAt: this.now(), nodeTypes: catalog.size ?? 0 };
      if (current()) this.cached.set(serviceId, read);
      return read;
    } catch (error) {
      this.logger.warn(`reading the node catalogue of ${serviceId} failed`, error);
      throw error;
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
