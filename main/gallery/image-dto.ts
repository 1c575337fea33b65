// Index rows as the renderer sees them, with media URLs built for the transport in use: the renderer loads them as
// they are and never learns a path.
import type { GalleryImage, ImageVariant } from '../../preload/schemas/gallery';
import { parseStoredParams } from '../ledger/coded-error';
import type { GalleryRow } from './gallery-rows';

/** Builds the URL of one variant of an image: `artlab-media://image/<id>/<variant>` or `media/<id>/<variant>`. */
export type MediaUrlBuilder = (id: number, variant: ImageVariant) => string;

/** Electron: the privileged `artlab-media:` scheme (main/electron/media-protocol.ts). */
export const electronMediaUrl: MediaUrlBuilder = (id, variant) => `artlab-media://image/${id}/${variant}`;

/**
 * The browser bridge: relative to the page, which the bridge serves at `/<secret>/` (the renderer routes by hash), so
 * the URL resolves under the secret without main knowing it.
 */
export const bridgeMediaUrl: MediaUrlBuilder = (id, variant) => `media/${id}/${variant}`;

export function stateOf(row: GalleryRow): GalleryImage['state'] {
  return row.removed ? 'removed' : row.state;
}

/** The error's code and values (ledger step 8); params that do not parse are left off and the English stands. */
function codedColumns(code: string | null, params: string | null): Pick<GalleryImage, 'errorCode' | 'errorParams'> {
  const values = code === null ? undefined : parseStoredParams(params);
  return code !== null && values ? { errorCode: code, errorParams: values } : {};
}

export function toGalleryImage(row: GalleryRow, url: MediaUrlBuilder): GalleryImage {
  const state = stateOf(row);
  const ready = state === 'fetched';
  const still = ready && row.media === 'image';
  return {
    id: row.id,
    state,
    error: row.error,
    ...codedColumns(row.error_code, row.error_params),
    serviceId: row.service_id,
    jobId: row.job_id,
    batchId: row.batch_id,
    workflowId: row.workflow_id,
    filename: row.filename,
    subfolder: row.subfolder,
    media: row.media,
    mime: row.mime,
    animated: row.animated,
    width: row.width,
    height: row.height,
    size: row.size,
    createdAt: row.created_at,
    favorite: row.favorite,
    external: row.external,
    positive: row.positive,
    seed: row.seed,
    url: ready ? url(row.id, 'original') : null,
    thumbUrl: still ? url(row.id, 'thumb256') : null,
    previewUrl: still ? url(row.id, 'thumb768') : null,
    ...(row.kept ? {} : { preview: true }),
  };
}
