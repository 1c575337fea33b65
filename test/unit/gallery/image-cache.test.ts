// The image cache: what a file is comes from its bytes; only whole files enter (stills must decode, videos must carry
// their container's magic); thumbnails are WebP within 256 and 768 px, from the first frame of an animation; the
// same bytes are kept once; a failing disk is a StorageError that says what to do.
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError, ValidationError } from '../../../main/errors';
import { cacheStorageError, ImageCache } from '../../../main/gallery/image-cache';
import { probeMedia } from '../../../main/comfy/media-probe';

let dir: string;
let cache: ImageCache;
let n = 0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'artlab-cache-'));
  cache = new ImageCache(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function incoming(bytes: Buffer): Promise<string> {
  const path = join(dir, `download-${++n}`);
  await writeFile(path, bytes);
  return path;
}

const still = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 20, g: 120, b: 220 } } })
    .png()
    .toBuffer();

const frame = (red: number) =>
  sharp({ create: { width: 40, height: 30, channels: 3, background: { r: red, g: 0, b: 0 } } })
    .png()
    .toBuffer();

const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom', 'latin1'), Buffer.alloc(64, 1)]);
const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(64, 2)]);

describe('media probe', () => {
  it('names the type from the leading bytes, whatever the file is called', async () => {
    expect(probeMedia(await still(2, 2))).toMatchObject({ mime: 'image/png', ext: 'png', media: 'image' });
    expect(
      probeMedia(
        await sharp(await still(2, 2))
          .jpeg()
          .toBuffer(),
      ),
    ).toMatchObject({ ext: 'jpg' });
    expect(
      probeMedia(
        await sharp(await still(2, 2))
          .webp()
          .toBuffer(),
      ),
    ).toMatchObject({ ext: 'webp' });
    expect(
      probeMedia(
        await sharp(await still(2, 2))
          .gif()
          .toBuffer(),
      ),
    ).toMatchObject({ ext: 'gif' });
    expect(probeMedia(mp4)).toEqual({ media: 'video', mime: 'video/mp4', ext: 'mp4' });
    expect(probeMedia(webm)).toEqual({ media: 'video', mime: 'video/webm', ext: 'webm' });
    const head = (...parts: (string | number[])[]) =>
      Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));
    expect(probeMedia(head('fLaC', [0, 0, 0, 34]))).toEqual({ media: 'audio', mime: 'audio/flac', ext: 'flac' });
    expect(probeMedia(head('OggS', [0, 2]))).toMatchObject({ mime: 'audio/ogg', ext: 'ogg' });
    expect(probeMedia(head('ID3', [4, 0, 0]))).toMatchObject({ mime: 'audio/mpeg', ext: 'mp3' });
    expect(probeMedia(head([0xff, 0xfb, 0x90, 0x64]))).toMatchObject({ mime: 'audio/mpeg', ext: 'mp3' });
    expect(probeMedia(head('RIFF', [36, 0, 0, 0], 'WAVEfmt '))).toMatchObject({ media: 'audio', ext: 'wav' });
    expect(probeMedia(head([0, 0, 0, 32], 'ftypM4A ', [0, 0, 0, 0]))).toMatchObject({ media: 'audio', ext: 'm4a' });
    // A JPEG's marker is not an MPEG frame sync.
    expect(probeMedia(head([0xff, 0xd8, 0xff, 0xe0]))).toMatchObject({ ext: 'jpg' });
    expect(probeMedia(Buffer.from('<html>not an image</html>'))).toBeUndefined();
    expect(probeMedia(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('image cache', () => {
  it('stores a still under its sha256 with WebP thumbnails of 256 and 768 px', async () => {
    const png = await still(1000, 500);
    const cached = await cache.ingest(await incoming(png), 'the image "a.png"');
    expect(cached).toMatchObject({ media: 'image', mime: 'image/png', width: 1000, height: 500, animated: false });
    expect(cached.relativePath).toBe(
      `images/${cached.sha256.slice(0, 2)}/${cached.sha256.slice(2, 4)}/${cached.sha256}.png`,
    );
    expect((await readFile(cache.absolute(cached.relativePath))).equals(png)).toBe(true);
    for (const size of [256, 768] as const) {
      const meta = await sharp(cache.thumbPath(cached.sha256, size)).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: size, height: size / 2 });
    }
  });

  it('never enlarges a small image for its thumbnails', async () => {
    const cached = await cache.ingest(await incoming(await still(100, 60)), 'x');
    expect(await sharp(cache.thumbPath(cached.sha256, 768)).metadata()).toMatchObject({ width: 100, height: 60 });
  });

  it('keeps the same bytes once', async () => {
    const png = await still(10, 10);
    const first = await cache.ingest(await incoming(png), 'x');
    const second = await cache.ingest(await incoming(png), 'y');
    expect(second.relativePath).toBe(first.relativePath);
    expect((await readdir(dir)).filter((name) => name.startsWith('download-'))).toEqual([]);
  });

  it('takes the same bytes arriving twice at once, both whole', async () => {
    const png = await still(600, 400);
    const [a, b] = await Promise.all([cache.ingest(await incoming(png), 'a'), cache.ingest(await incoming(png), 'b')]);
    expect(b.relativePath).toBe(a.relativePath);
    expect((await readFile(cache.absolute(a.relativePath))).equals(png)).toBe(true);
    expect(await sharp(cache.thumbPath(a.sha256, 256)).metadata()).toMatchObject({ width: 256 });
  });

  it('marks an animated GIF or WebP and thumbnails its first frame', async () => {
    const frames = await Promise.all([frame(250), frame(0), frame(90)]);
    for (const format of ['gif', 'webp'] as const) {
      const joined = sharp(frames, { join: { animated: true } });
      const animation = await (format === 'gif' ? joined.gif() : joined.webp()).toBuffer();
      const cached = await cache.ingest(await incoming(animation), 'x');
      expect(cached).toMatchObject({ animated: true, width: 40, height: 30, ext: format });
      const thumb = sharp(cache.thumbPath(cached.sha256, 256));
      expect(await thumb.metadata()).toMatchObject({ width: 40, height: 30 });
      const { dominant } = await thumb.stats();
      expect(dominant.r).toBeGreaterThan(200);
    }
  });

  it('keeps a video whole with no thumbnails (the grid plays the original)', async () => {
    const cached = await cache.ingest(await incoming(mp4), 'the video "v.mp4"');
    expect(cached).toMatchObject({ media: 'video', mime: 'video/mp4', width: null, height: null, size: mp4.length });
    await expect(stat(cache.thumbPath(cached.sha256, 256))).rejects.toThrow();
    expect((await cache.ingest(await incoming(webm), 'w')).ext).toBe('webm');
  });

  it('refuses and deletes an empty file, a file of unknown type and a truncated PNG', async () => {
    const png = await still(300, 300);
    for (const bytes of [Buffer.alloc(0), Buffer.from('<html>error page</html>'), png.subarray(0, png.length - 400)]) {
      const file = await incoming(bytes);
      await expect(cache.ingest(file, 'the image "a.png"')).rejects.toBeInstanceOf(ValidationError);
      await expect(stat(file)).rejects.toThrow();
    }
    const left = await readdir(dir, { recursive: true, withFileTypes: true });
    expect(left.filter((entry) => entry.isFile())).toEqual([]);
  });

  it('says a full disk is full, and a folder it cannot write is not writable', () => {
    const full = cacheStorageError(Object.assign(new Error('write'), { code: 'ENOSPC' }), 'the image "a.png"');
    expect(full).toBeInstanceOf(StorageError);
    expect((full as StorageError).message).toMatch(/disk is full.*Free some space/);
    const denied = cacheStorageError(Object.assign(new Error('open'), { code: 'EACCES' }), 'x');
    expect((denied as StorageError).message).toMatch(/writable/);
    const other = new Error('bug');
    expect(cacheStorageError(other, 'x')).toBe(other);
  });

  it('reports a cache folder it cannot create as a StorageError', async () => {
    await writeFile(join(dir, 'thumbs'), 'a file where the thumbnails folder should be');
    const error: unknown = await cache.ingest(await incoming(await still(5, 5)), 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
  });
});
