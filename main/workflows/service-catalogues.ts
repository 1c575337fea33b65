// Node catalogues (ComfyUI's /object_info) per service, read through the Studio's edition pool and kept until the
// service changes. Only editions that can describe their nodes have one (the API edition exposes no catalogue).
import type { NodeCatalog } from '../comfy/node-catalog';
import type { Edition } from '../editions/edition';

/** A capability, not an edition: services that can describe their nodes. */
function hasNodeCatalog(edition: Edition): edition is Edition & { nodeCatalog(): Promise<NodeCatalog> } {
  return 'nodeCatalog' in edition && typeof edition.nodeCatalog === 'function';
}

export class ServiceCatalogues {
  private readonly cached = new Map<string, NodeCatalog>();

  constructor(
    private readonly editionOf: (serviceId: string) => Edition | undefined,
    private readonly log: (message: string, error?: unknown) => void,
  ) {}

  async get(serviceId: string | undefined): Promise<NodeCatalog | undefined> {
    if (serviceId === undefined) return undefined;
    const cached = this.cached.get(serviceId);
    if (cached) return cached;
    const edition = this.editionOf(serviceId);
    if (!edition || !hasNodeCatalog(edition)) return undefined;
    try {
      const catalog = await edition.nodeCatalog();
      this.cached.set(serviceId, catalog);
      return catalog;
    } catch (error) {
      // The form still works from the workflow's own values; bounds come back when the service answers.
      this.log(`reading the node catalogue of ${serviceId} failed`, error);
      return undefined;
    }
  }

  forget(serviceId: string): void {
    this.cached.delete(serviceId);
  }
}
