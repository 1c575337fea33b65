// The OSS browser: a service's `output/` folder page by page (folders, files with size and date, and which are
// already in the gallery), and the import of chosen files as external images. An import is stored like a foreign
// result whose identity is the object key, so importing the same file twice is a no-op; the intake then fetches it
// and reads the metadata ComfyUI embedded in it.
import type { z } from 'zod';
import type { OssImportInputSchema, OssListInputSchema, OssListPage } from '../../preload/schemas/gallery';
import type { EditionResult } from '../editions/edition';
import type { RecordResultOutcome } from '../ledger/ledger';
import type { OssImageSource } from '../oss/oss-image-source';
import type { GalleryIndex } from './gallery-index';

export interface OssBrowserOptions {
  index: GalleryIndex;
  recordExternalResult(serviceId: string, result: EditionResult): RecordResultOutcome;
  /** The service's OSS output folder; throws NotFoundError when it has none. */
  sourceFor(serviceId: string): OssImageSource;
  /** New rows are pending: the intake picks them up. */
  onQueued(): void;
}

export const IMPORT_IDENTITY_PREFIX = 'oss-import:';

function dateOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const time = Date.parse(text);
  return Number.isFinite(time) ? time : null;
}

export class OssBrowser {
  constructor(private readonly options: OssBrowserOptions) {}

  async list(input: z.output<typeof OssListInputSchema>): Promise<OssListPage> {
    const source = this.options.sourceFor(input.serviceId);
    const request = {
      subfolder: input.subfolder ?? '',
      maxKeys: input.limit,
      ...(input.cursor !== undefined ? { continuationToken: input.cursor } : {}),
    };
    // A pooled socket the server closed as it was reused is sent again by OssImageSource itself.
    const page = await source.listPage(request);
    const known = this.options.index.byOssKeys(
      input.serviceId,
      page.files.map((f) => f.key),
    );
    return {
      folders: page.subfolders,
      files: page.files.map((file) => ({
        key: file.key,
        filename: file.filename,
        subfolder: file.subfolder,
        size: file.size,
        lastModified: dateOf(file.lastModified),
        imageId: known.get(file.key) ?? null,
      })),
      refused: page.refused,
      nextCursor: page.nextContinuationToken ?? null,
    };
  }

  /** Throws ValidationError for a hostile name (nothing is imported then). */
  import(input: z.output<typeof OssImportInputSchema>): { queued: number; already: number } {
    const source = this.options.sourceFor(input.serviceId);
    const files = input.files.map((file) => ({ ...file, key: source.keyOf(file) }));
    let queued = 0;
    let already = 0;
    const known = this.options.index.byOssKeys(
      input.serviceId,
      files.map((f) => f.key),
    );
    for (const file of files) {
      if (known.has(file.key)) {
        already += 1;
        continue;
      }
      const identity = `${IMPORT_IDENTITY_PREFIX}${file.key}`;
      const outcome = this.options.recordExternalResult(input.serviceId, {
        identity,
        external: true,
        outputs: [{ node: 'oss', kind: 'images', filename: file.filename, subfolder: file.subfolder, type: 'output' }],
      });
      if (!outcome.isNew) {
        already += 1;
        continue;
      }
      this.options.index.tagImport(input.serviceId, identity, file.key);
      queued += 1;
    }
    if (queued > 0) this.options.onQueued();
    return { queued, already };
  }
}
