// The image cache: originals content-addressed by sha256 (`<dataDir>/images/ab/cd/<sha256>.<ext>`) and WebP
// thumbnails beside them (`<dataDir>/thumbs/ab/cd/<sha256>-256.webp`, `-768.webp`). A download lands in
// `images/incoming/` (same drive, so the final move is an atomic rename) and enters the cache only once it is proven
// whole: a still must decode completely (the thumbnails are made from it), a video must be non-empty and start with
// its container's magic bytes. So a partial or corrupt file is never indexed.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type sharpModule from 'sharp';
import { StorageError, ValidationError } from '../errors';
import { PROBE_BYTES, probeMedia, type MediaType } from '../comfy/media-probe';

export const THUMB_SIZES = [256, 768] as const;
export type ThumbSize = (typeof THUMB_SIZES)[number];

export interface CachedFile extends MediaType {
  sha256: string;
  size: number;
  /** Relative to the data folder, forward slashes: the index stores this, so the data folder may move. */
  relativePath: string;
  width: number | null;
  height: number | null;
  animated: boolean;
}

const STORAGE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EIO', 'EMFILE', 'ENOTDIR']);

// sharp brings libvips (about 13 MB resident): loaded with the first image to check, not at start.
// Kept once loaded: each import() of it went through module resolution again, a cost on every image.
let sharpLoading: Promise<typeof sharpModule> | undefined;
function loadSharp(): Promise<typeof sharpModule> {
  sharpLoading ??= import('sharp').then(
    (module) => module.default,
    (error: unknown) => {
      sharpLoading = undefined; // a failed load (a missing native binary) is tried again with the next image
      throw error;
    },
  );
  return sharpLoading;
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** A failure of the local disk as a StorageError that says what to do; other errors pass through. */
export function cacheStorageError(error: unknown, what: string): unknown {
  const code = codeOf(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new StorageError(
      `The disk is full, so ${what} could not be saved in the image cache. Free some space on the drive, then retry.`,
      { cause: error },
    );
  }
  if (STORAGE_CODES.has(code)) {
    return new StorageError(
      `ArtLab cannot write ${what} to its image cache (${code}). Make sure the data folder is writable, then retry.`,
      { cause: error },
    );
  }
  return error;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Whether a PNG has an animation control chunk (APNG) before its image data: chunk headers only are read. */
async function isAnimatedPng(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(8);
    let at = 8;
    // Metadata chunks (a workflow in tEXt) come first; a few hundred is more than any writer puts there.
    for (let chunks = 0; chunks < 512; chunks += 1) {
      const { bytesRead } = await handle.read(head, 0, 8, at);
      if (bytesRead < 8) return false;
      const type = head.toString('latin1', 4, 8);
      if (type === 'acTL') return true;
      if (type === 'IDAT' || type === 'IEND') return false;
      at += 12 + head.readUInt32BE(0);
    }
    return false;
  } finally {
    await handle.close();
  }
}

export async function readHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(PROBE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, PROBE_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export class ImageCache {
  constructor(private readonly dataDir: string) {}

  /** Where the download of one index row goes (stable, so an interrupted OSS download resumes from its `.part`). */
  incomingPath(imageId: number): string {
    return join(this.dataDir, 'images', 'incoming', String(imageId));
  }

  absolute(relativePath: string): string {
    return join(this.dataDir, ...relativePath.split('/'));
  }

  thumbPath(sha256: string, size: ThumbSize): string {
    return join(this.dataDir, 'thumbs', sha256.slice(0, 2), sha256.slice(2, 4), `${sha256}-${size}.webp`);
  }

  private relativeOriginal(sha256: string, ext: string): string {
    return `images/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}.${ext}`;
  }

  /**
   * Verifies a downloaded file, makes its thumbnails and moves it into the cache (or drops it when the same bytes are
   * already there). Throws ValidationError for a file that is empty, of an unknown type or does not decode — the
   * file is deleted then — and StorageError when the disk fails.
   */
  async ingest(file: string, what: string): Promise<CachedFile> {
    try {
      return await this.ingestUnchecked(file, what);
    } catch (error) {
      if (error instanceof ValidationError) await rm(file, { force: true });
      throw cacheStorageError(error, what);
    }
  }

  private async ingestUnchecked(file: string, what: string): Promise<CachedFile> {
    const { size } = await stat(file);
    if (size === 0)
      throw new ValidationError(`The service sent ${what} as an empty file. Retry, or run the job again.`);
    const type = probeMedia(await readHead(file));
    if (!type) {
      throw new ValidationError(
        `${capitalize(what)} is not an image, video or sound ArtLab can show (or it arrived damaged). Retry, or open it from OSS.`,
      );
    }
    const sha256 = await sha256Of(file);
    let width: number | null = null;
    let height: number | null = null;
    let animated = false;
    if (type.media === 'image') {
      const meta = await this.decodeCheck(file, what);
      width = meta.width;
      height = meta.height;
      animated = meta.animated;
      await this.makeThumbnails(file, sha256, what);
    }
    const relativePath = this.relativeOriginal(sha256, type.ext);
    const target = this.absolute(relativePath);
    await mkdir(dirname(target), { recursive: true });
    const sameSize = async (): Promise<boolean> => (await stat(target).catch(() => null))?.size === size;
    if (await sameSize()) await rm(file, { force: true });
    else {
      try {
        await rename(file, target);
      } catch (error) {
        // Windows refuses to replace a file that is open (being served): the same bytes are there already.
        if (!(await sameSize())) throw error;
        await rm(file, { force: true });
      }
    }
    return { ...type, sha256, size, relativePath, width, height, animated };
  }

  private async decodeCheck(
    file: string,
    what: string,
  ): Promise<{ width: number | null; height: number | null; animated: boolean }> {
    const sharp = await loadSharp();
    try {
      const meta = await sharp(file).metadata();
      return {
        width: meta.width,
        height: meta.pageHeight ?? meta.height,
        // The decoder reads an APNG's first frame only: its animation control chunk says it is one.
        animated: (meta.pages ?? 1) > 1 || (meta.format === 'png' && (await isAnimatedPng(file))),
      };
    } catch (error) {
      throw new ValidationError(
        `${capitalize(what)} arrived damaged (${error instanceof Error ? error.message.slice(0, 120) : 'unreadable'}). Retry the download.`,
      );
    }
  }

  /** Full decodes (first frame of an animation): a truncated or corrupt image fails here, before it is indexed. */
  private async makeThumbnails(file: string, sha256: string, what: string): Promise<void> {
    const sharp = await loadSharp();
    for (const size of [...THUMB_SIZES].reverse()) {
      const target = this.thumbPath(sha256, size);
      if (
        await stat(target).then(
          (s) => s.size > 0,
          () => false,
        )
      )
        continue;
      await mkdir(dirname(target), { recursive: true });
      // unique: two downloads of the same bytes (a fixed-seed re-run) may make the same thumbnail at once
      const temp = `${target}.${randomUUID()}.tmp`;
      try {
        await sharp(file, { pages: 1, failOn: 'error' })
          .rotate()
          .resize(size, size, { fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 80 })
          .toFile(temp);
      } catch (error) {
        await rm(temp, { force: true });
        if (codeOf(error) !== '') throw error;
        throw new ValidationError(
          `${capitalize(what)} arrived damaged (${error instanceof Error ? error.message.slice(0, 120) : 'it does not decode'}). Retry the download.`,
        );
      }
      await rename(temp, target);
    }
  }

  /** Deletes a cached original and its thumbnails (the caller checked no other image shares the bytes). */
  async remove(relativePath: string, sha256: string): Promise<void> {
    await rm(this.absolute(relativePath), { force: true });
    for (const size of THUMB_SIZES) await rm(this.thumbPath(sha256, size), { force: true });
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
