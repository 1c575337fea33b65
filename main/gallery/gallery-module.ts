// The gallery domain of the Studio: the intake (fetch, verify, cache, index), the index queries and actions behind
// the `gallery.*` contract, the OSS browser, and media lookup by id and variant for both transports.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import type { MethodArgs, MethodResult } from '../../preload/contract';
import type { galleryEvents, galleryMethods, ImageVariant } from '../../preload/schemas/gallery';
import type { Clock } from '../adapters';
import type { ApiWorkflow } from '../comfy/workflow-types';
import type { Edition } from '../editions/edition';
import { BadRequestError, NotFoundError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import type { OssImageSource } from '../oss/oss-image-source';
import { openOssSource, type OssTarget } from '../oss/oss-target';
import { withStorage } from '../ledger/storage-errors';
import { exportOriginals } from './gallery-export';
import { GalleryIndex, type IndexChange } from './gallery-index';
import type { GalleryRow } from './gallery-rows';
import { ImageCache } from './image-cache';
import { toGalleryImage, type MediaUrlBuilder } from './image-dto';
import { ImageIntake, type ImageIntakeOptions, type JobFacts } from './image-intake';
import { LivePreviews } from './live-previews';
import { mimeOfCacheFile } from '../comfy/media-probe';
import { OssBrowser } from './oss-browser';
import { rerunParams } from './rerun-params';
import { silentLogger, type Logger } from '../log/logger';

type Result<M extends keyof typeof galleryMethods> = MethodResult<M>;
type Args<M extends keyof typeof galleryMethods> = MethodArgs<M>;

/** The gallery as the contract's handlers (main/handlers/gallery.ts) use it. */
export interface GalleryApi {
  page(input: Args<'gallery.page'>): Result<'gallery.page'>;
  get(id: number): Result<'gallery.get'>;
  setFavorite(ids: readonly number[], favorite: boolean): Result<'gallery.setFavorite'>;
  /** Removes the local copies (the cache file stays while another image has the same bytes). */
  deleteLocal(ids: readonly number[]): Promise<Result<'gallery.deleteLocal'>>;
  /** Copies originals into `folder`, or a folder the shell asks the artist for. */
  /** Copies originals into a folder the shell asks the artist for (never one the renderer names). */
  exportOriginals(ids: readonly number[]): Promise<Result<'gallery.export'>>;
  reveal(id: number): Promise<Result<'gallery.reveal'>>;
  rerunParams(id: number): Promise<Result<'gallery.rerunParams'>>;
  retry(ids: readonly number[]): Result<'gallery.retry'>;
  keep(ids: readonly number[]): Result<'gallery.keep'>;
  liveNow(): Result<'gallery.live'>;
  listOss(input: Args<'gallery.oss.list'>): Promise<Result<'gallery.oss.list'>>;
  importOss(input: Args<'gallery.oss.import'>): Result<'gallery.oss.import'>;
}
type Events = typeof galleryEvents;
export type GalleryEmit = <E extends keyof Events>(event: E, payload: z.output<Events[E]>) => void;

/** The shell's side of export and reveal; Node has no folder picker and no file manager. */
export interface GalleryHost {
  /** Asks the artist for a folder; null when cancelled. Absent where there is no picker (Node, the browser demo). */
  pickFolder?(): Promise<string | null>;
  /** Shows the file in the file manager; false where there is none. */
  reveal(path: string): Promise<boolean>;
}

export const nodeGalleryHost: GalleryHost = {
  reveal: () => Promise.resolve(false),
};

export interface GalleryModuleOptions {
  dataDir: string;
  /** The Studio's one database connection: the gallery owns its `images` table. */
  database: Database;
  /** The jobs ledger, for the facts of the job an image came from. */
  ledger: Ledger;
  clock: Clock;
  emit: GalleryEmit;
  mediaUrl: MediaUrlBuilder;
  /** The services module's `connection`: only its OSS target is used. */
  services: { connection(serviceId: string): { oss?: OssTarget } };
  /** The open edition of a service (the jobs module's), for Exclusive `/view` downloads. */
  editionFor(serviceId: string): Edition | undefined;
  host?: GalleryHost;
  intake?: Pick<ImageIntakeOptions, 'concurrency' | 'attempts' | 'backoffMs'>;
  /** How often coalesced gallery.added / gallery.changed go out (ms). Default 100. */
  eventIntervalMs?: number;
  /** How long a PreviewImage output the artist did not keep stays on disk (ms). Default a day. */
  previewLifeMs?: number;
  logger?: Logger;
}

/** A file to serve for a media request. */
export interface MediaFile {
  path: string;
  mime: string;
  size: number;
}

export interface GalleryModule extends GalleryApi {
  readonly intake: ImageIntake;
  /** Whether an image of the service is still to be fetched (auto-stop keeps an Exclusive service for its /view). */
  hasPendingImages(serviceId: string): boolean;
  /** The file behind `<id>/<variant>`, or undefined (unknown id, not fetched, removed, no thumbnail for a video). */
  media(id: number, variant: ImageVariant): Promise<MediaFile | undefined>;
  /** PreviewImage files of running jobs, shown on them until their results arrive. */
  readonly live: Pick<LivePreviews, 'add' | 'settle'>;
  close(): Promise<void>;
}

interface OpenSource {
  fingerprint: string;
  source: OssImageSource;
}

export function createGalleryModule(options: GalleryModuleOptions): GalleryModule {
  const file = options.ledger.file;
  const db = options.database;
  const run = <T>(work: () => T): T => withStorage(file, work);
  const index = new GalleryIndex(db, () => options.clock.now());
  const cache = new ImageCache(options.dataDir);
  const host = options.host ?? nodeGalleryHost;
  const logger = options.logger ?? silentLogger;
  const dto = (row: GalleryRow) => toGalleryImage(row, options.mediaUrl);
  const ossSources = new Map<string, OpenSource>();

  /** The service's OSS source, rebuilt when its settings change; undefined when no usable location is set. */
  function ossFor(serviceId: string): OssImageSource | undefined {
    const target = options.services.connection(serviceId).oss;
    const open = ossSources.get(serviceId);
    const fingerprint = JSON.stringify(target ?? null);
    if (open?.fingerprint === fingerprint) return open.source;
    if (open) void open.source.close();
    ossSources.delete(serviceId);
    const source = openOssSource(target);
    if (source) ossSources.set(serviceId, { fingerprint, source });
    return source;
  }

  function jobFacts(jobId: string): JobFacts | undefined {
    const job = options.ledger.getJob(jobId);
    if (!job) return undefined;
    const batch = options.ledger.getBatch(job.batchId);
    return { batchId: job.batchId, workflowId: batch?.workflowId ?? null, workflow: options.ledger.jobWorkflow(jobId) };
  }

  function jobWorkflow(jobId: string): ApiWorkflow | undefined {
    return options.ledger.getJob(jobId) ? options.ledger.jobWorkflow(jobId) : undefined;
  }

  // Images arrive one by one (thousands for an OSS import): the renderer gets them coalesced, a few times a second,
  // each image once per flush in its latest state.
  const outbox = { added: new Map<number, GalleryRow>(), changed: new Map<number, GalleryRow>() };
  let flushTimer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    flushTimer = undefined;
    const added = [...outbox.added.values()];
    const updated = [...outbox.changed.values()].filter((row) => !outbox.added.has(row.id));
    outbox.added.clear();
    outbox.changed.clear();
    if (added.length > 0) options.emit('gallery.added', { images: added.map(dto) });
    if (updated.length > 0) options.emit('gallery.changed', { images: updated.map(dto) });
  };
  const queueEvent = (row: GalleryRow, added: boolean): void => {
    if (added || outbox.added.has(row.id)) outbox.added.set(row.id, row);
    else outbox.changed.set(row.id, row);
    flushTimer ??= setTimeout(flush, options.eventIntervalMs ?? 100);
  };
  const report = (change: IndexChange): void => queueEvent(change.row, change.added);
  const changed = (rows: GalleryRow[]): void => {
    for (const row of rows) queueEvent(row, false);
  };

  const intake = new ImageIntake({
    index,
    cache,
    sources: { edition: (serviceId) => options.editionFor(serviceId), oss: ossFor },
    jobFacts: (jobId) => run(() => jobFacts(jobId)),
    onChange: report,
    ...options.intake,
    logger: logger.child('intake'),
  });

  const browser = new OssBrowser({
    index,
    recordExternalResult: (serviceId, result) => options.ledger.recordExternalResult(serviceId, result),
    sourceFor(serviceId) {
      const source = ossFor(serviceId);
      if (!source) {
        throw new NotFoundError(
          'This service has no OSS output location (or no AccessKey for it). Add them in Services to browse its output folder.',
        ).withCode('gallery-oss-missing');
      }
      return source;
    },
    onQueued: () => intake.rescan(),
  });

  function rowOrThrow(id: number): GalleryRow {
    const row = run(() => index.get(id));
    if (!row) throw new NotFoundError('This image is no longer in the gallery.').withCode('gallery-image-gone');
    return row;
  }

  async function deleteLocal(ids: readonly number[]): Promise<number> {
    const removed = run(() => index.markRemoved(ids));
    for (const row of removed) {
      if (row.path === null || row.sha256 === null) continue;
      // Another image with the same bytes (a re-run with a fixed seed, an import of an own output) keeps the file.
      if (!run(() => index.shaInUse(row.sha256 ?? ''))) await cache.remove(row.path, row.sha256);
    }
    changed(removed);
    return removed.length;
  }

  const live = new LivePreviews({
    dir: join(options.dataDir, 'live'),
    edition: (serviceId) => options.editionFor(serviceId),
    onReady: (jobId, id) => options.emit('gallery.live', { jobId, url: options.mediaUrl(id, 'live') }),
    logger: logger.child('live'),
  });

  const api: GalleryApi = {
    page: (input) => {
      const page = run(() => index.page(input));
      return {
        images: page.rows.map(dto),
        nextCursor: page.nextCursor,
        ...(page.total !== undefined ? { total: page.total } : {}),
      };
    },
    get: (id) => {
      const row = rowOrThrow(id);
      const job = row.job_id === null ? undefined : run(() => options.ledger.getJob(row.job_id ?? ''));
      return {
        ...dto(row),
        negative: row.negative,
        steps: row.steps,
        cfg: row.cfg,
        sampler: row.sampler,
        scheduler: row.scheduler,
        model: row.model,
        ossKey: row.oss_key,
        sha256: row.sha256,
        source: row.source,
        job: job
          ? {
              createdAt: job.createdAt,
              submittedAt: job.submittedAt,
              startedAt: job.startedAt,
              finishedAt: job.finishedAt,
            }
          : null,
        hasWorkflow: job !== undefined || (row.mime === 'image/png' && row.state === 'fetched' && !row.removed),
      };
    },
    setFavorite: (ids, favorite) => {
      const rows = run(() => index.setFavorite(ids, favorite));
      changed(rows);
      return { changed: rows.length };
    },
    deleteLocal: async (ids) => ({ removed: await deleteLocal(ids) }),
    exportOriginals: async (ids) => {
      if (!host.pickFolder) {
        throw new BadRequestError(
          'Export needs the desktop app, which asks where to save. In the browser, use Download to save the originals.',
        ).withCode('export-desktop-only');
      }
      const target = await host.pickFolder();
      if (target === null) return { folder: null, exported: 0, skipped: 0, files: [] };
      const rows = run(() => index.getMany(ids));
      const result = await exportOriginals(rows, target, cache);
      return { folder: target, ...result, skipped: result.skipped + (ids.length - rows.length) };
    },
    reveal: async (id) => {
      const row = rowOrThrow(id);
      if (row.state !== 'fetched' || row.removed || row.path === null) return { revealed: false };
      return { revealed: await host.reveal(cache.absolute(row.path)) };
    },
    rerunParams: (id) => {
      const row = rowOrThrow(id);
      return rerunParams(row, { cache, jobWorkflow: (jobId) => run(() => jobWorkflow(jobId)) });
    },
    retry: (ids) => {
      const rows = run(() => index.markPending(ids));
      changed(rows);
      intake.rescan();
      return { queued: rows.length };
    },
    liveNow: () => live.latest().map(({ jobId, id }) => ({ jobId, url: options.mediaUrl(id, 'live') })),
    keep: (ids) => {
      const rows = run(() => index.keep(ids));
      for (const row of rows) queueEvent(row, true);
      return { kept: rows.length };
    },
    listOss: (input) => browser.list(input),
    importOss: (input) => run(() => browser.import(input)),
  };

  async function media(id: number, variant: ImageVariant): Promise<MediaFile | undefined> {
    if (variant === 'live') return live.get(id);
    const row = run(() => index.get(id));
    if (!row || row.state !== 'fetched' || row.removed || row.path === null || row.sha256 === null) return undefined;
    let path: string;
    let mime: string;
    if (variant === 'original') {
      path = cache.absolute(row.path);
      mime = row.mime ?? mimeOfCacheFile(row.path);
    } else {
      if (row.media !== 'image') return undefined;
      path = cache.thumbPath(row.sha256, variant === 'thumb256' ? 256 : 768);
      mime = 'image/webp';
    }
    const info = await stat(path).catch(() => null);
    return info?.isFile() ? { path, mime, size: info.size } : undefined;
  }

  // Previews not kept are deleted a day after they were made: at start, then every hour.
  const previewLifeMs = options.previewLifeMs ?? 24 * 60 * 60_000;
  let sweeping: Promise<void> | undefined;
  let closed = false;
  const sweepPreviews = (): void => {
    sweeping ??= (async () => {
      while (!closed) {
        const ids = run(() => index.stalePreviews(options.clock.now() - previewLifeMs, 200));
        if (ids.length === 0 || (await deleteLocal(ids)) === 0) break;
      }
    })()
      .catch((error: unknown) => logger.error('deleting old previews failed', error))
      .finally(() => (sweeping = undefined));
  };
  const sweepTimer = setInterval(sweepPreviews, 60 * 60_000);
  sweepTimer.unref();

  intake.start();
  sweepPreviews();

  return {
    ...api,
    intake,
    hasPendingImages: (serviceId) => run(() => index.hasPending(serviceId)),
    media,
    live,
    async close() {
      closed = true;
      await live.close();
      clearInterval(sweepTimer);
      await sweeping;
      await intake.close();
      if (flushTimer) clearTimeout(flushTimer);
      flush();
      await Promise.all([...ossSources.values()].map((open) => open.source.close()));
      ossSources.clear();
    },
  };
}
