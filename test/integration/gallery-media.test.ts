// Gallery media over the browser bridge: by id and variant under the per-run secret, with the right bytes and type,
// ranges for video seeking, and nothing for unknown ids, path tricks, a missing secret or a foreign Host.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GalleryImage } from '../../preload/schemas/gallery';
import { startBrowserBridge, type BrowserBridge } from '../../main/browser/bridge-server';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { encodePng } from '../sim/comfy/png';
import { galleryRig, type GalleryRig } from '../unit/gallery/gallery-rig';
import { nodeStudio } from './support/node-studio';

let sim: Simulator;
let rig: GalleryRig;
let studio: Studio;
let bridge: BrowserBridge;
let base: URL;
let image: GalleryImage;
const png = encodePng({ width: 300, height: 200, rgb: Buffer.alloc(300 * 200 * 3, 120) }, [['prompt', '{}']]);

beforeAll(async () => {
  sim = await startSimulator();
  const { endpoint, region, bucket, prefix, accessKeyId, accessKeySecret } = sim.info.oss;
  rig = galleryRig({ oss: { endpoint, region, bucket, prefix: `${prefix}/`, accessKeyId, accessKeySecret } });
  sim.oss.put(`${prefix}/output/media_00001_.png`, png);
  await rig.gallery.handlers['gallery.oss.import']({
    serviceId: 'svc-a',
    files: [{ filename: 'media_00001_.png', subfolder: '' }],
  });
  image = await rig.image('gallery.added', (i) => i.filename === 'media_00001_.png');
  const rendererDir = join(rig.dataDir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<h1>app</h1>');
  const studioDir = join(rig.dataDir, 'studio');
  studio = nodeStudio(studioDir);
  bridge = await startBrowserBridge({ studio, rendererDir, media: (id, variant) => rig.gallery.media(id, variant) });
  base = new URL(bridge.url);
});

afterAll(async () => {
  await bridge.close();
  await studio.close();
  await rig.cleanup();
  await sim.close();
});

interface Reply {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: base.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The DTO's relative URL resolved the way the page at the bridge's URL resolves it. */
const at = (relative: string | null): string => new URL(relative ?? 'missing', base).pathname;

describe('gallery media over the browser bridge', () => {
  it('serves the original byte for byte with its content type, at the URL the image DTO carries', async () => {
    const reply = await get(at(image.url));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('image/png');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.body.equals(png)).toBe(true);
  });

  it('serves both thumbnails as WebP within their size', async () => {
    for (const [url, size] of [
      [image.thumbUrl, 256],
      [image.previewUrl, 768],
    ] as const) {
      const reply = await get(at(url));
      expect(reply.headers['content-type']).toBe('image/webp');
      const meta = await sharp(reply.body).metadata();
      expect(meta.format).toBe('webp');
      expect(Math.max(meta.width, meta.height)).toBe(Math.min(size, 300));
    }
  });

  it('answers a byte range with 206 and just those bytes', async () => {
    const reply = await get(at(image.url), { Range: 'bytes=8-15' });
    expect(reply.status).toBe(206);
    expect(reply.headers['content-range']).toBe(`bytes 8-15/${png.length}`);
    expect(reply.body.equals(png.subarray(8, 16))).toBe(true);
    expect((await get(at(image.url), { Range: `bytes=${png.length + 5}-` })).status).toBe(416);
  });

  it('refuses unknown ids, unknown variants and anything that looks like a path', async () => {
    const secret = base.pathname;
    for (const path of [
      `${secret}media/999999/original`,
      `${secret}media/${image.id}/full`,
      `${secret}media/${image.id}/original/extra`,
      `${secret}media/0${image.id}/original`,
      `${secret}media/..%2F..%2Fjobs.sqlite/original`,
      `${secret}media/${image.id}%2F..%2F..%2Fsecret.key/original`,
      `${secret}media/-1/original`,
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it('serves nothing without the secret or with a foreign Host', async () => {
    expect((await get(`/media/${image.id}/original`)).status).toBe(404);
    expect((await get(`/wrong-secret/media/${image.id}/original`)).status).toBe(404);
    expect((await get(at(image.url), { Host: `evil.example:${base.port}` })).status).toBe(403);
    expect((await get(at(image.url), { Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('keeps bytes another image shares when one copy is deleted, and brings a removed image back on retry', async () => {
    const twin = encodePng({ width: 12, height: 12, rgb: Buffer.alloc(432, 77) }, []);
    for (const name of ['twin_a.png', 'twin_b.png']) sim.oss.put(`${sim.info.oss.prefix}/output/${name}`, twin);
    await rig.gallery.handlers['gallery.oss.import']({
      serviceId: 'svc-a',
      files: ['twin_a.png', 'twin_b.png'].map((filename) => ({ filename, subfolder: '' })),
    });
    const a = await rig.image('gallery.added', (i) => i.filename === 'twin_a.png');
    const b = await rig.image('gallery.added', (i) => i.filename === 'twin_b.png');
    await rig.gallery.handlers['gallery.deleteLocal']({ ids: [a.id] });
    expect((await get(at(b.url))).body.equals(twin)).toBe(true);
    expect((await get(at(b.thumbUrl))).status).toBe(200);
    const removed = await rig.gallery.handlers['gallery.page']({
      filters: { removed: true },
      sort: 'newest',
      limit: 50,
    });
    expect(removed.images.map((i) => [i.id, i.state])).toContainEqual([a.id, 'removed']);

    expect(await rig.gallery.handlers['gallery.retry']({ ids: [a.id] })).toEqual({ queued: 1 });
    await rig.image('gallery.changed', (i) => i.id === a.id && i.state === 'fetched');
    expect((await get(at(a.url))).body.equals(twin)).toBe(true);
  });

  it('marks favorites and finds them by the favorites filter', async () => {
    expect(await rig.gallery.handlers['gallery.setFavorite']({ ids: [image.id], favorite: true })).toEqual({
      changed: 1,
    });
    const favorites = await rig.gallery.handlers['gallery.page']({
      filters: { favorites: true },
      sort: 'newest',
      limit: 50,
    });
    expect(favorites.images.map((i) => i.id)).toEqual([image.id]);
    expect(favorites.images[0]?.favorite).toBe(true);
    await rig.image('gallery.changed', (i) => i.id === image.id && i.favorite);
  });

  it('stops serving an image once its local copy is deleted', async () => {
    const other = encodePng({ width: 10, height: 10, rgb: Buffer.alloc(300, 7) }, []);
    sim.oss.put(`${sim.info.oss.prefix}/output/gone_00001_.png`, other);
    await rig.gallery.handlers['gallery.oss.import']({
      serviceId: 'svc-a',
      files: [{ filename: 'gone_00001_.png', subfolder: '' }],
    });
    const gone = await rig.image('gallery.added', (i) => i.filename === 'gone_00001_.png');
    expect((await get(at(gone.url))).status).toBe(200);
    expect(await rig.gallery.handlers['gallery.deleteLocal']({ ids: [gone.id] })).toEqual({ removed: 1 });
    expect((await get(at(gone.url))).status).toBe(404);
    expect((await get(at(gone.thumbUrl))).status).toBe(404);
  });
});
