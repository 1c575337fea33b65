// The gallery as the renderer sees it: a keyset-paged index of every image and video the app fetched (from a job, a
// foreign sink result, or an OSS import), media addressed by id and variant only — never a path — and the actions
// on an image. Media URLs are built by main for the transport in use (`artlab-media://image/<id>/<variant>` in
// Electron, `media/<id>/<variant>` under the bridge's secret in a browser), so the renderer uses them as they are.
import { z } from 'zod';
import { MessageParamsSchema, method } from './common';
import { ServiceIdSchema } from './services';

export const ImageIdSchema = z.int().positive();

/**
 * `original`: the file as the service wrote it; thumbnails are WebP, 256 and 768 px on the long side. `live`: a
 * PreviewImage file of a job still running, by its number in `gallery.live` (not a gallery image id).
 */
export const ImageVariantSchema = z.enum(['original', 'thumb256', 'thumb768', 'live']);
export type ImageVariant = z.infer<typeof ImageVariantSchema>;

export const GalleryImageStateSchema = z.enum([
  /** Being downloaded (also after `gallery.retry`). */
  'pending',
  /** In the local cache: `url` and (for stills) the thumbnails load. */
  'fetched',
  /** Could not be fetched (`error` says why): show "missing — retry", never a broken image. */
  'missing',
  /** The local copy was deleted by the artist; the index row and its parameters stay (retry downloads it again). */
  'removed',
]);
export type GalleryImageState = z.infer<typeof GalleryImageStateSchema>;

/**
 * `video`: a `gifs` output (mp4/webm); `audio`: a SaveAudio output (flac/ogg/mp3/wav). Neither has thumbnails: play
 * `url` in a <video> or <audio> of type `mime`.
 */
export const MediaKindSchema = z.enum(['image', 'video', 'audio']);

/** One tile of the grid. */
export const GalleryImageSchema = z.object({
  id: ImageIdSchema,
  state: GalleryImageStateSchema,
  /** Why it is missing: main's English sentence, the fallback when `errorCode` is absent or unknown here. */
  error: z.string().nullable(),
  /** `error` as a code (ErrorCodeSchema) and its values, for the renderer to word; absent for older rows. */
  errorCode: z.string().max(100).optional(),
  errorParams: MessageParamsSchema.optional(),
  serviceId: z.string(),
  /** Null for an external image (a foreign sink result or an OSS import) or when its job's batch was removed. */
  jobId: z.string().nullable(),
  batchId: z.string().nullable(),
  workflowId: z.string().nullable(),
  filename: z.string(),
  subfolder: z.string(),
  media: MediaKindSchema,
  /** `image/png`, `image/webp`, `video/mp4`… once fetched. */
  mime: z.string().nullable(),
  /** Animated WebP/GIF/PNG: the thumbnails show the first frame, `url` plays. */
  animated: z.boolean(),
  width: z.int().nullable(),
  height: z.int().nullable(),
  /** Bytes of the original. */
  size: z.int().nullable(),
  /** When it was made (the result's arrival, or the OSS object's date for an import): epoch ms. */
  createdAt: z.number(),
  favorite: z.boolean(),
  /** Not made by this app's jobs (foreign sink result, OSS import). */
  external: z.boolean(),
  positive: z.string().nullable(),
  /** Decimal text: seeds go up to 2^64 − 1. */
  seed: z.string().nullable(),
  /** Null unless `fetched`. */
  url: z.string().nullable(),
  /** Null unless `fetched`, and for videos. */
  thumbUrl: z.string().nullable(),
  previewUrl: z.string().nullable(),
  /**
   * A PreviewImage (`temp`) output the artist has not kept: shown with its job in the Queue, not in the Gallery;
   * deleted a day after it was made unless `gallery.keep` keeps it. Absent for every other image.
   */
  preview: z.literal(true).optional(),
});
export type GalleryImage = z.infer<typeof GalleryImageSchema>;

/** Everything the lightbox's metadata panel shows. */
export const GalleryImageDetailsSchema = GalleryImageSchema.extend({
  negative: z.string().nullable(),
  steps: z.number().nullable(),
  cfg: z.number().nullable(),
  sampler: z.string().nullable(),
  scheduler: z.string().nullable(),
  model: z.string().nullable(),
  /** The object's key in the service's OSS bucket, when it came from (or is known to be in) OSS. */
  ossKey: z.string().nullable(),
  sha256: z.string().nullable(),
  /** Where the bytes came from: the edition's own download (`/view`), OSS, or an OSS import. */
  source: z.enum(['edition', 'oss', 'import']).nullable(),
  /** The job's timings (epoch ms), when the image belongs to a job still in the ledger. */
  job: z
    .object({
      createdAt: z.number(),
      submittedAt: z.number().nullable(),
      startedAt: z.number().nullable(),
      finishedAt: z.number().nullable(),
    })
    .nullable(),
  /** Whether `gallery.rerunParams` can answer (the job's workflow, or one embedded in the PNG). */
  hasWorkflow: z.boolean(),
});
export type GalleryImageDetails = z.infer<typeof GalleryImageDetailsSchema>;

export const GalleryFiltersSchema = z
  .object({
    serviceId: ServiceIdSchema.optional(),
    batchId: z.string().min(1).max(100).optional(),
    workflowId: z.string().min(1).max(100).optional(),
    /** Words searched in the positive and negative prompts (all must occur, as word prefixes). */
    text: z.string().max(500).optional(),
    /** true: favorites only. */
    favorites: z.boolean().optional(),
    /** true: external images only; false: this app's own only; absent: both. */
    external: z.boolean().optional(),
    /** Epoch ms, inclusive. */
    dateFrom: z.number().optional(),
    dateTo: z.number().optional(),
    /** true: only images whose local copy was deleted; absent or false: those are hidden. */
    removed: z.boolean().optional(),
    /** true: with the PreviewImage outputs not kept (the Queue asks for a batch's); absent: kept images only. */
    previews: z.boolean().optional(),
  })
  .strict();
export type GalleryFilters = z.infer<typeof GalleryFiltersSchema>;

export const GallerySortSchema = z.enum(['newest', 'oldest']);

export const GalleryPageInputSchema = z
  .object({
    filters: GalleryFiltersSchema.default({}),
    sort: GallerySortSchema.default('newest'),
    /** `nextCursor` of the previous page, with the same filters and sort. */
    cursor: z.string().max(200).optional(),
    limit: z.int().min(1).max(500).default(100),
  })
  .strict();
export type GalleryPageInput = z.infer<typeof GalleryPageInputSchema>;

export const GalleryPageSchema = z.object({
  images: z.array(GalleryImageSchema),
  /** Null on the last page. */
  nextCursor: z.string().nullable(),
  /** How many images match the filters; given on the first page only (no cursor), for the scroll bar. */
  total: z.int().optional(),
});
export type GalleryPage = z.infer<typeof GalleryPageSchema>;

const IdInput = z.object({ id: ImageIdSchema }).strict();
/** Multi-select actions. */
const IdsInput = z.object({ ids: z.array(ImageIdSchema).min(1).max(10_000) }).strict();

/** A parameter value as Compose shows it; seeds (and any integer beyond 2^53) are decimal text, exact. */
export const ParameterValueSchema = z.union([z.string(), z.number(), z.boolean()]);

export const RerunParamsSchema = z.object({
  serviceId: z.string(),
  /** The library workflow the job came from, when it is still there; null for an image from a PNG or a removed one. */
  workflowId: z.string().nullable(),
  /** The exact API-format workflow that made the image (integers beyond 2^53 exact), as JSON text. */
  workflowJson: z.string(),
  /** Parameter id (`<node>.<input>`) → the value used: Compose prefills each one. */
  values: z.record(z.string(), ParameterValueSchema),
  /** Where the workflow was read from. */
  source: z.enum(['job', 'png']),
});
export type RerunParams = z.infer<typeof RerunParamsSchema>;

export const ExportResultSchema = z.object({
  /** The folder written to; null when the artist cancelled the folder picker. */
  folder: z.string().nullable(),
  exported: z.int(),
  /** Images not in the local cache (pending, missing, removed): not exported. */
  skipped: z.int(),
  /** The name each exported image got in the folder (its own, or with " (2)"… when that was taken). */
  files: z.array(z.object({ id: ImageIdSchema, name: z.string() })),
});

export const OssListInputSchema = z
  .object({
    serviceId: ServiceIdSchema,
    /** A folder below `output/`; '' or absent = `output/` itself. */
    subfolder: z.string().max(1024).optional(),
    cursor: z.string().max(2048).optional(),
    limit: z.int().min(1).max(1000).default(200),
  })
  .strict();

export const OssFileSchema = z.object({
  key: z.string(),
  filename: z.string(),
  subfolder: z.string(),
  size: z.number(),
  /** Epoch ms, when OSS gave a date. */
  lastModified: z.number().nullable(),
  /** The gallery image it already is (from a job or an earlier import), if any. */
  imageId: ImageIdSchema.nullable(),
});
export type OssFile = z.infer<typeof OssFileSchema>;

export const OssListPageSchema = z.object({
  /** Subfolders directly below, relative to `output/` (open one by passing it as `subfolder`). */
  folders: z.array(z.string()),
  files: z.array(OssFileSchema),
  /** Keys with names that cannot be saved locally (`..`, control characters): not listed. */
  refused: z.int(),
  nextCursor: z.string().nullable(),
});
export type OssListPage = z.infer<typeof OssListPageSchema>;

export const OssImportInputSchema = z
  .object({
    serviceId: ServiceIdSchema,
    files: z
      .array(z.object({ filename: z.string().min(1).max(255), subfolder: z.string().max(1024) }).strict())
      .min(1)
      .max(1000),
  })
  .strict();

export const OssImportResultSchema = z.object({
  /** Queued for download; each appears through `gallery.added` once indexed. */
  queued: z.int(),
  /** Already in the gallery. */
  already: z.int(),
});

export const galleryMethods = {
  'gallery.page': method(GalleryPageInputSchema, GalleryPageSchema),
  'gallery.get': method(IdInput, GalleryImageDetailsSchema),
  'gallery.setFavorite': method(IdsInput.extend({ favorite: z.boolean() }), z.object({ changed: z.int() })),
  /** Deletes the cached original and thumbnails (kept while another image shares the bytes); the row stays `removed`. */
  'gallery.deleteLocal': method(IdsInput, z.object({ removed: z.int() })),
  /**
   * Copies the originals, byte for byte (metadata intact), into a folder the main process asks the artist for: a
   * renderer never names a path. `folder: null` when cancelled; refused where main has no folder picker (the browser
   * demo downloads the originals from their URLs instead).
   */
  'gallery.export': method(IdsInput, ExportResultSchema),
  /** Shows the cached original in the file manager; `revealed: false` where there is none (browser). */
  'gallery.reveal': method(IdInput, z.object({ revealed: z.boolean() })),
  'gallery.rerunParams': method(IdInput, RerunParamsSchema),
  /** What running jobs' PreviewImage nodes showed so far (the latest per job), as `gallery.live` announced them. */
  'gallery.live': method(z.object({}).strict().default({}), z.array(z.object({ jobId: z.string(), url: z.string() }))),
  /** Keeps PreviewImage outputs: they enter the Gallery (`gallery.added`) and are no longer deleted after a day. */
  'gallery.keep': method(IdsInput, z.object({ kept: z.int() })),
  /** Fetches missing or removed images again. */
  'gallery.retry': method(IdsInput, z.object({ queued: z.int() })),
  'gallery.oss.list': method(OssListInputSchema, OssListPageSchema),
  'gallery.oss.import': method(OssImportInputSchema, OssImportResultSchema),
};

export const galleryEvents = {
  /** Images that just entered the gallery (indexed for the first time), newest last. */
  'gallery.added': z.object({ images: z.array(GalleryImageSchema) }),
  /** Images whose state, favorite or files changed (retry, missing, deleted locally, favorite). */
  'gallery.changed': z.object({ images: z.array(GalleryImageSchema) }),
  /**
   * A running job's PreviewImage node showed a picture (Exclusive edition): `url` shows it on the job until the job's
   * own images arrive with its result. Not a gallery image: nothing to keep until then.
   */
  'gallery.live': z.object({ jobId: z.string(), url: z.string() }),
};
