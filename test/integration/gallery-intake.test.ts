// The gallery's intake against the simulator: a real run of either edition ends as a cached, thumbnailed, indexed
// image with its prompt; a damaged or refused file never reaches the index; pending work survives a restart.
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EditionResult } from '../../main/editions/edition';
import { ExclusiveClient } from '../../main/editions/exclusive/exclusive-client';
import { QueueEdition } from '../../main/editions/queue/queue-edition';
import type { OssTarget } from '../../main/oss/oss-target';
import { startSimulator, type Simulator } from '../sim/index';
import { encodePng } from '../sim/comfy/png';
import { galleryRig, type GalleryRig, type GalleryRigOptions } from '../unit/gallery/gallery-rig';

const SERVICE = 'svc-a';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(): Promise<Simulator> {
  const sim = await startSimulator({ stepMs: 2, workers: 1, redeliveryGraceMs: 100 });
  cleanups.push(() => sim.close());
  return sim;
}

function ossOf(sim: Simulator): OssTarget {
  const { endpoint, region, bucket, prefix, accessKeyId, accessKeySecret } = sim.info.oss;
  return { endpoint, region, bucket, prefix: `${prefix}/`, accessKeyId, accessKeySecret };
}

function rigWith(options: GalleryRigOptions): GalleryRig {
  const rig = galleryRig(options);
  cleanups.push(() => rig.cleanup());
  return rig;
}

/** Queues one job of the starter workflow with `prompt`, sends it through `edition`, stores its result. */
async function runJob(
  rig: GalleryRig,
  edition: ExclusiveClient | QueueEdition,
  prompt: string,
): Promise<{ jobId: string; result: EditionResult }> {
  const ledger = rig.rig.ledger;
  const { jobIds } = rig.rig.queue([prompt], SERVICE);
  const jobId = jobIds[0] ?? '';
  const identity = randomUUID();
  const stored = new Promise<EditionResult>((resolve) => {
    edition.start((result) => {
      ledger.recordResult(SERVICE, result);
      rig.gallery.intake.enqueue({ jobId, serviceId: SERVICE, result });
      resolve(result);
      return Promise.resolve();
    });
  });
  expect(ledger.assignIdentity(jobId, identity)).toBe(true);
  await edition.submit({ jobId, identity, workflow: ledger.jobWorkflow(jobId) });
  return { jobId, result: await stored };
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

describe('image intake', () => {
  it('fetches an Exclusive result through /view into the cache, with thumbnails and its prompt indexed', async () => {
    const sim = await simulator();
    const client = new ExclusiveClient({
      url: sim.info.exclusive.url,
      token: sim.info.exclusive.token,
      timing: { pollIntervalMs: 100, maxPollIntervalMs: 400 },
    });
    cleanups.push(() => client.close());
    const rig = rigWith({ editionFor: () => client });
    const { jobId } = await runJob(rig, client, 'a red fox in the snow');

    const added = await rig.image('gallery.added', (image) => image.jobId === jobId);
    expect(added).toMatchObject({
      state: 'fetched',
      media: 'image',
      mime: 'image/png',
      positive: 'a red fox in the snow',
      external: false,
      url: `media/${added.id}/original`,
      thumbUrl: `media/${added.id}/thumb256`,
    });
    expect(added.width).toBeGreaterThan(0);
    expect(added.seed).toMatch(/^\d+$/);
    const details = await rig.gallery.handlers['gallery.get']({ id: added.id });
    expect(details).toMatchObject({ source: 'edition', steps: 20, cfg: 8, sampler: 'euler', hasWorkflow: true });
    expect(details.model).toMatch(/\.safetensors$/);
    expect(details.batchId).toBe(rig.rig.ledger.getJob(jobId)?.batchId);

    const original = await rig.gallery.media(added.id, 'original');
    expect(original?.mime).toBe('image/png');
    expect(original && (await sha256(original.path))).toBe(details.sha256);
    expect(original?.path).toContain(
      join('images', details.sha256?.slice(0, 2) ?? '', details.sha256?.slice(2, 4) ?? ''),
    );
    for (const variant of ['thumb256', 'thumb768'] as const) {
      const thumb = await rig.gallery.media(added.id, variant);
      expect(thumb?.mime).toBe('image/webp');
      expect(thumb && (await stat(thumb.path)).size).toBeGreaterThan(0);
    }
    expect(await readdir(join(rig.dataDir, 'images', 'incoming'))).toEqual([]);
  });

  it('fetches an API-edition result from the OSS output folder', async () => {
    const sim = await simulator();
    const edition = new QueueEdition({
      url: sim.info.queue.url,
      token: sim.info.queue.token,
      uid: 'gallery-test',
      watcher: { backoff: { initialMs: 20, maxMs: 500 }, pingIntervalMs: 500, pongTimeoutMs: 2000 },
    });
    cleanups.push(() => edition.close());
    const rig = rigWith({ editionFor: () => edition, oss: ossOf(sim) });
    const { jobId, result } = await runJob(rig, edition, 'a lighthouse at dusk');
    const added = await rig.image('gallery.added', (image) => image.jobId === jobId);
    expect(added).toMatchObject({ state: 'fetched', positive: 'a lighthouse at dusk' });
    const details = await rig.gallery.handlers['gallery.get']({ id: added.id });
    const file = result.outputs[0];
    expect(details.source).toBe('oss');
    expect(details.ossKey).toBe(`${sim.info.oss.prefix}/output/${file?.filename ?? ''}`);
    expect(details.size).toBe(sim.oss.head(details.ossKey ?? '')?.size);
  });

  it('never indexes a damaged file: a truncated PNG in OSS ends as missing, and a retry after a fix fetches it', async () => {
    const sim = await simulator();
    const rig = rigWith({ oss: ossOf(sim) });
    const good = encodePng({ width: 64, height: 64, rgb: Buffer.alloc(64 * 64 * 3, 200) }, [['prompt', '{}']]);
    const key = `${sim.info.oss.prefix}/output/cut_00001_.png`;
    sim.oss.put(key, good.subarray(0, Math.floor(good.length * 0.6)));
    rig.rig.ledger.recordExternalResult(SERVICE, {
      identity: 'foreign-1',
      external: true,
      outputs: [{ node: '9', kind: 'images', filename: 'cut_00001_.png', subfolder: '', type: 'output' }],
    });
    rig.gallery.intake.enqueue();
    const missing = await rig.image('gallery.added', (image) => image.filename === 'cut_00001_.png');
    expect(missing).toMatchObject({ state: 'missing', url: null, thumbUrl: null, external: true });
    expect(missing.error).toMatch(/damaged|cut short|not an image/i);
    expect(await rig.gallery.media(missing.id, 'original')).toBeUndefined();
    const files = await readdir(rig.dataDir, { recursive: true, withFileTypes: true });
    expect(files.filter((entry) => entry.isFile()).map((entry) => entry.name)).toEqual([]);

    sim.oss.put(key, good);
    await rig.gallery.handlers['gallery.retry']({ ids: [missing.id] });
    const fixed = await rig.image('gallery.changed', (image) => image.id === missing.id && image.state === 'fetched');
    expect(fixed).toMatchObject({ width: 64, height: 64, size: good.length });
  });

  it('keeps why an image is missing as a code with its values, and forgets it when a retry fetches the image', async () => {
    const sim = await simulator();
    const rig = rigWith({ oss: ossOf(sim), attempts: 1 });
    rig.rig.ledger.recordExternalResult(SERVICE, {
      identity: 'gone-1',
      external: true,
      outputs: [{ node: '9', kind: 'images', filename: 'gone_00001_.png', subfolder: '', type: 'output' }],
    });
    rig.gallery.intake.enqueue();
    const missing = await rig.image('gallery.added', (image) => image.filename === 'gone_00001_.png');
    expect(missing).toMatchObject({
      state: 'missing',
      errorCode: 'oss-object-missing',
      errorParams: { bucket: sim.info.oss.bucket },
    });
    expect(missing.error).toBeTruthy();
    const [page] = (await rig.gallery.handlers['gallery.page']({ filters: {}, sort: 'newest', limit: 5 })).images;
    expect(page).toMatchObject({ id: missing.id, errorCode: 'oss-object-missing' });

    const png = encodePng({ width: 8, height: 8, rgb: Buffer.alloc(8 * 8 * 3, 40) }, []);
    sim.oss.put(`${sim.info.oss.prefix}/output/gone_00001_.png`, png);
    await rig.gallery.handlers['gallery.retry']({ ids: [missing.id] });
    const fixed = await rig.image('gallery.changed', (image) => image.id === missing.id && image.state === 'fetched');
    expect(fixed.error).toBeNull();
    expect(fixed.errorCode).toBeUndefined();
  });

  it('codes an unexpected failure of intake, naming the file', async () => {
    const rig = rigWith({
      editionFor: () => {
        throw new TypeError('an edition that cannot be opened');
      },
      attempts: 1,
    });
    rig.rig.ledger.recordExternalResult(SERVICE, {
      identity: 'odd-1',
      external: true,
      outputs: [{ node: '9', kind: 'images', filename: 'odd_00001_.png', subfolder: '', type: 'output' }],
    });
    rig.gallery.intake.enqueue();
    const missing = await rig.image('gallery.added', (image) => image.filename === 'odd_00001_.png');
    expect(missing).toMatchObject({
      state: 'missing',
      errorCode: 'image-fetch-unexpected',
      errorParams: { filename: 'odd_00001_.png' },
    });
    expect(missing.error).toMatch(/unexpected error/);
  });

  it('never indexes a download cut off mid-body: retried, then missing, with nothing in the cache', async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      requests += 1;
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': '50000' });
      res.write(Buffer.alloc(1000, 7));
      setImmediate(() => res.socket?.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const port = (server.address() as AddressInfo).port;
    const client = new ExclusiveClient({ url: `http://127.0.0.1:${port}`, progressSocket: false });
    cleanups.push(() => client.close());
    const rig = rigWith({ editionFor: () => client, attempts: 3 });
    rig.rig.ledger.recordExternalResult(SERVICE, {
      identity: 'cut-off',
      external: true,
      outputs: [{ node: '9', kind: 'images', filename: 'cut_00002_.png', subfolder: '', type: 'output' }],
    });
    rig.gallery.intake.enqueue();
    const missing = await rig.image('gallery.added', (image) => image.filename === 'cut_00002_.png');
    expect(missing).toMatchObject({ state: 'missing', url: null });
    expect(missing.error).toMatch(/broke off|ended early|stopped/i);
    expect(requests).toBe(3);
    const files = await readdir(rig.dataDir, { recursive: true, withFileTypes: true });
    expect(files.filter((entry) => entry.isFile()).map((entry) => entry.name)).toEqual([]);
  });

  it('keeps a video output whole and serves it without thumbnails', async () => {
    const sim = await simulator();
    const rig = rigWith({ oss: ossOf(sim) });
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42', 'latin1'), Buffer.alloc(4096, 3)]);
    sim.oss.put(`${sim.info.oss.prefix}/output/clip_00001.mp4`, mp4);
    rig.rig.ledger.recordExternalResult(SERVICE, {
      identity: 'video',
      external: true,
      outputs: [
        {
          node: '12',
          kind: 'gifs',
          filename: 'clip_00001.mp4',
          subfolder: '',
          type: 'output',
          format: 'video/h264-mp4',
        },
      ],
    });
    rig.gallery.intake.enqueue();
    const video = await rig.image('gallery.added', (image) => image.filename === 'clip_00001.mp4');
    expect(video).toMatchObject({
      state: 'fetched',
      media: 'video',
      mime: 'video/mp4',
      thumbUrl: null,
      previewUrl: null,
    });
    expect(video.url).toBe(`media/${video.id}/original`);
    expect(await rig.gallery.media(video.id, 'original')).toMatchObject({ mime: 'video/mp4', size: mp4.length });
    expect(await rig.gallery.media(video.id, 'thumb256')).toBeUndefined();
  });

  it('refuses a hostile file name from the service without fetching anything', async () => {
    const sim = await simulator();
    const rig = rigWith({ oss: ossOf(sim) });
    for (const [identity, filename, subfolder] of [
      ['evil-1', '../../secret.png', ''],
      ['evil-2', 'ok.png', '../../..'],
      ['evil-3', 'con.png', ''],
    ] as const) {
      rig.rig.ledger.recordExternalResult(SERVICE, {
        identity,
        external: true,
        outputs: [{ node: '9', kind: 'images', filename, subfolder, type: 'output' }],
      });
    }
    rig.gallery.intake.enqueue();
    await rig.gallery.intake.whenIdle();
    const page = await rig.gallery.handlers['gallery.page']({ filters: {}, sort: 'newest', limit: 10 });
    expect(page.images).toHaveLength(3);
    for (const image of page.images) {
      expect(image.state).toBe('missing');
      expect(image.error).toMatch(/^Refused the output/);
    }
  });

  it('resumes pending images after a restart', async () => {
    const sim = await simulator();
    const png = encodePng({ width: 32, height: 16, rgb: Buffer.alloc(32 * 16 * 3, 90) }, []);
    sim.oss.put(`${sim.info.oss.prefix}/output/later_00001_.png`, png);
    const rig = rigWith({ oss: ossOf(sim) });
    await rig.gallery.close();
    rig.rig.ledger.recordExternalResult(SERVICE, {
      identity: 'while-closed',
      external: true,
      outputs: [{ node: '9', kind: 'images', filename: 'later_00001_.png', subfolder: '', type: 'output' }],
    });
    rig.restart();
    const added = await rig.image('gallery.added', (image) => image.filename === 'later_00001_.png');
    expect(added).toMatchObject({ state: 'fetched', width: 32, height: 16 });
  });
});
