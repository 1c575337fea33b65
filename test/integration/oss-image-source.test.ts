import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, NetworkError, NotFoundError, ServiceError, ValidationError } from '../../main/errors';
import { OssImageSource, type OssImageSourceOptions, type OssOutputObject } from '../../main/oss/oss-image-source';
import { ObjectStore } from '../sim/oss/object-store';
import { startOssServer, type OssServer } from '../sim/oss/server';

const bucket = 'artlab-out';
const region = 'cn-shanghai';
const accessKeyId = 'LTAI5tGalleryReader';
const accessKeySecret = 'gallery-secret-0123456789abcdef';
const big = randomBytes(4 * 1024 * 1024);

let store: ObjectStore;
let server: OssServer;
let dir: string;
const sources: OssImageSource[] = [];

function source(overrides: Partial<OssImageSourceOptions> = {}): OssImageSource {
  const created = new OssImageSource({
    storagePath: `oss://${bucket}/data-xyz/`,
    endpoint: server.endpoint,
    region,
    accessKeyId,
    accessKeySecret,
    ...overrides,
  });
  sources.push(created);
  return created;
}

beforeAll(async () => {
  store = new ObjectStore();
  store.put('data-xyz/output/ComfyUI_00001_.png', Buffer.from('png bytes of the first image'));
  store.put('data-xyz/output/portraits/ComfyUI_00002_.png', Buffer.from('png bytes in a subfolder'));
  store.put('data-xyz/output/big.png', big);
  for (let i = 0; i < 2_500; i++) {
    store.put(`data-xyz/output/batch/img_${String(i).padStart(5, '0')}_.png`, Buffer.from(`image ${i}`));
  }
  store.put('data-xyz/input/not-an-output.png', Buffer.from('input'));
  server = await startOssServer({ store, bucket, region, accessKeyId, accessKeySecret });
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'artlab-oss-'));
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('OSS image source', () => {
  it('downloads an output file by name and subfolder to the destination, leaving no temporary file', async () => {
    const destination = join(dir, 'a.png');
    const info = await source().get({ filename: 'ComfyUI_00002_.png', subfolder: 'portraits' }, destination);
    expect(await readFile(destination, 'utf8')).toBe('png bytes in a subfolder');
    expect(info).toMatchObject({ key: 'data-xyz/output/portraits/ComfyUI_00002_.png', size: 24 });
    expect(await readdir(dir)).toEqual(['a.png']);
  });

  it('heads an output file without downloading it', async () => {
    const info = await source().head({ filename: 'ComfyUI_00001_.png' });
    expect(info.key).toBe('data-xyz/output/ComfyUI_00001_.png');
    expect(info.size).toBe(28);
    expect(info.etag).toBe(store.head('data-xyz/output/ComfyUI_00001_.png')?.etag);
    expect(info.contentType).toBe('image/png');
  });

  it('works with V4 signatures', async () => {
    const destination = join(dir, 'v4.png');
    await source({ authorizationV4: true }).get({ filename: 'ComfyUI_00001_.png' }, destination);
    expect(await readFile(destination, 'utf8')).toBe('png bytes of the first image');
  });

  it('lists every output across pages of at most 1,000 keys', async () => {
    const listed: OssOutputObject[] = [];
    for await (const file of source().listOutputs({ subfolder: 'batch', maxKeys: 1000 })) listed.push(file);
    expect(listed).toHaveLength(2_500);
    expect(new Set(listed.map((f) => f.filename)).size).toBe(2_500);
    expect(listed[0]).toMatchObject({ subfolder: 'batch', filename: 'img_00000_.png', size: 7 });
  });

  it('pages with continuation tokens and shows subfolders as folders', async () => {
    const oss = source();
    const first = await oss.listPage({ maxKeys: 100 });
    expect(first.subfolders.sort()).toEqual(['batch', 'portraits']);
    expect(first.files.map((f) => f.filename)).toEqual(expect.arrayContaining(['ComfyUI_00001_.png', 'big.png']));
    expect(first.files.every((f) => f.key.startsWith('data-xyz/output/'))).toBe(true);
    const page = await oss.listPage({ subfolder: 'batch', recursive: true, maxKeys: 1000 });
    expect(page.files).toHaveLength(1000);
    expect(page.nextContinuationToken).toBeDefined();
    const next = await oss.listPage({
      subfolder: 'batch',
      recursive: true,
      maxKeys: 1000,
      continuationToken: page.nextContinuationToken,
    });
    expect(next.files[0]?.filename).toBe('img_01000_.png');
  });

  it('resumes a broken download with Range from the bytes already on disk', async () => {
    const destination = join(dir, 'big.png');
    const oss = source();
    const controller = new AbortController();
    await expect(
      oss.get({ filename: 'big.png' }, destination, {
        signal: controller.signal,
        onProgress: (bytes) => {
          if (bytes >= 1024 * 1024) controller.abort(new Error('network went away'));
        },
      }),
    ).rejects.toThrow('network went away');
    await expect(stat(destination)).rejects.toMatchObject({ code: 'ENOENT' });
    const kept = (await stat(`${destination}.part`)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(big.length);

    const reported: number[] = [];
    await oss.get({ filename: 'big.png' }, destination, { onProgress: (bytes) => reported.push(bytes) });
    expect((await readFile(destination)).equals(big)).toBe(true);
    // counting starts from the kept bytes: only the rest was asked for
    expect(reported[0]).toBeGreaterThan(kept);
    expect(await readdir(dir)).toEqual(['big.png']);
  });

  it('keeps the partial file when the server drops the connection, and completes it on the next get', async () => {
    const huge = randomBytes(24 * 1024 * 1024);
    store.put('data-xyz/output/huge.png', huge);
    const destination = join(dir, 'huge.png');
    const oss = source();
    let restart: Promise<void> | undefined;
    const error = await oss
      .get({ filename: 'huge.png' }, destination, {
        onProgress: () => {
          restart ??= server.simulateRestart(50);
        },
      })
      .catch((e: unknown) => e);
    await restart;
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('resumes where it stopped');
    await expect(stat(destination)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat(`${destination}.part`)).size).toBeGreaterThan(0);
    await oss.get({ filename: 'huge.png' }, destination);
    expect((await readFile(destination)).equals(huge)).toBe(true);
    store.delete('data-xyz/output/huge.png');
  });

  it('starts over when the object changed since the partial download', async () => {
    const destination = join(dir, 'changing.png');
    store.put('data-xyz/output/changing.png', big);
    const controller = new AbortController();
    const oss = source();
    await expect(
      oss.get({ filename: 'changing.png' }, destination, {
        signal: controller.signal,
        onProgress: (bytes) => bytes > 100_000 && controller.abort(new Error('stopped')),
      }),
    ).rejects.toThrow('stopped');
    const replacement = randomBytes(300_000);
    store.put('data-xyz/output/changing.png', replacement);
    await oss.get({ filename: 'changing.png' }, destination);
    expect((await readFile(destination)).equals(replacement)).toBe(true);
  });

  it('reports a wrong secret as an AuthError that does not contain the secret', async () => {
    const wrong = 'wrong-secret-value-42';
    const oss = source({ accessKeySecret: wrong });
    const error = await oss.get({ filename: 'ComfyUI_00001_.png' }, join(dir, 'x.png')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('was refused');
    expect((error as Error).message).not.toContain(wrong);
    const listing = await oss.listPage().catch((e: unknown) => e);
    expect(listing).toBeInstanceOf(AuthError);
    expect((listing as Error).message).toContain('SignatureDoesNotMatch');
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports an unknown AccessKey ID as an AuthError', async () => {
    const error = await source({ accessKeyId: 'LTAI5tUnknownKey' })
      .listPage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('InvalidAccessKeyId');
  });

  it('reports a missing object as NotFoundError naming it, and leaves no file', async () => {
    const error = await source()
      .get({ filename: 'gone.png', subfolder: 'portraits' }, join(dir, 'gone.png'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('"data-xyz/output/portraits/gone.png" is not in the bucket');
    expect(await readdir(dir)).toEqual([]);
  });

  it('explains a bucket that does not exist as a misconfiguration', async () => {
    const error = await source({ storagePath: 'oss://no-such-bucket/data-xyz/' })
      .listPage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as Error).message).toContain('"no-such-bucket" does not exist');
  });

  it('reports an OSS endpoint that cannot be reached as a NetworkError', async () => {
    const down = await startOssServer({ store: new ObjectStore(), bucket, region, accessKeyId, accessKeySecret });
    const endpoint = down.endpoint;
    await down.close();
    const error = await source({ endpoint })
      .listPage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('could not be reached');
  });

  it.each([
    { filename: '../../secrets.png' },
    { filename: 'a/b.png' },
    { filename: 'evil\\..\\x.png' },
    { filename: 'nul\u0000.png' },
    { filename: 'ok.png', subfolder: '/etc' },
    { filename: 'ok.png', subfolder: 'a/../../b' },
  ])('refuses the hostile name %j before any request', async (file) => {
    const oss = source();
    await expect(oss.get(file, join(dir, 'x.png'))).rejects.toBeInstanceOf(ValidationError);
    expect(() => oss.keyOf(file)).toThrow(ValidationError);
    expect(await readdir(dir)).toEqual([]);
  });
});
