// The OSS browser and what imports carry: a 2,500-object folder listed page by page and imported across pages, the
// metadata ComfyUI embedded in the simulator's PNGs, re-run parameters exact to the last digit of a seed, and export.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJson } from '../../main/comfy/json-bigint';
import { starterWorkflow } from '../../main/comfy/starter';
import type { ApiWorkflow } from '../../main/comfy/workflow-types';
import { ExclusiveClient } from '../../main/editions/exclusive/exclusive-client';
import type { EditionResult } from '../../main/editions/edition';
import { dispatchCall } from '../../main/contract/dispatch';
import type { ContractHandlers } from '../../preload/contract';
import { startSimulator, type Simulator } from '../sim/index';
import { encodePng } from '../sim/comfy/png';
import { galleryRig, type GalleryRig } from '../unit/gallery/gallery-rig';

const SERVICE = 'svc-a';
let sim: Simulator;
let rig: GalleryRig;
let out: string;

beforeEach(async () => {
  sim = await startSimulator({ stepMs: 2 });
  const { endpoint, region, bucket, prefix, accessKeyId, accessKeySecret } = sim.info.oss;
  out = await mkdtemp(join(tmpdir(), 'artlab-export-'));
  // The shell's folder picker, answered with the test's folder.
  rig = galleryRig({
    oss: { endpoint, region, bucket, prefix: `${prefix}/`, accessKeyId, accessKeySecret },
    host: { pickFolder: () => Promise.resolve(out), reveal: () => Promise.resolve(false) },
  });
});
afterEach(async () => {
  await rig.cleanup();
  await sim.close();
  await rm(out, { recursive: true, force: true });
});

const key = (name: string): string => `${sim.info.oss.prefix}/output/${name}`;

/** Runs a workflow on the simulated Exclusive service from outside the app; its first output file. */
async function simulatorImage(workflow: ApiWorkflow): Promise<EditionResult['outputs'][number] | undefined> {
  const client = new ExclusiveClient({ url: sim.info.exclusive.url, token: sim.info.exclusive.token });
  const done = new Promise<EditionResult>((resolve) =>
    client.start((result) => {
      resolve(result);
      return Promise.resolve();
    }),
  );
  await client.submit({ jobId: 'outside-the-app', identity: randomUUID(), workflow });
  const file = (await done).outputs[0];
  await client.close();
  return file;
}

describe('OSS browser', () => {
  it('lists 2,500 objects page by page and imports them across pages, each once', async () => {
    const png = encodePng({ width: 8, height: 8, rgb: Buffer.alloc(8 * 8 * 3, 33) }, []);
    for (let i = 0; i < 2_500; i++) sim.oss.put(key(`many/img_${String(i).padStart(5, '0')}_.png`), png);
    sim.oss.put(key('top_00001_.png'), png);

    const root = await rig.gallery.handlers['gallery.oss.list']({ serviceId: SERVICE, limit: 200 });
    expect(root.folders).toEqual(['many']);
    expect(root.files.map((f) => f.filename)).toEqual(['top_00001_.png']);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await rig.gallery.handlers['gallery.oss.list']({
        serviceId: SERVICE,
        subfolder: 'many',
        limit: 1000,
        ...(cursor !== undefined ? { cursor } : {}),
      });
      pages += 1;
      expect(page.files.every((f) => f.imageId === null && f.subfolder === 'many' && f.size === png.length)).toBe(true);
      seen.push(...page.files.map((f) => f.filename));
      const result = await rig.gallery.handlers['gallery.oss.import']({
        serviceId: SERVICE,
        files: page.files.map(({ filename, subfolder }) => ({ filename, subfolder })),
      });
      expect(result).toEqual({ queued: page.files.length, already: 0 });
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(2_500);

    const again = await rig.gallery.handlers['gallery.oss.list']({
      serviceId: SERVICE,
      subfolder: 'many',
      limit: 1000,
    });
    expect(again.files.every((f) => f.imageId !== null)).toBe(true);
    expect(
      await rig.gallery.handlers['gallery.oss.import']({
        serviceId: SERVICE,
        files: again.files.slice(0, 3).map(({ filename, subfolder }) => ({ filename, subfolder })),
      }),
    ).toEqual({ queued: 0, already: 3 });

    await rig.gallery.intake.whenIdle();
    const page = await rig.gallery.handlers['gallery.page']({ filters: { external: true }, sort: 'newest', limit: 10 });
    expect(page.total).toBe(2_500);
    expect(page.images.every((image) => image.state === 'fetched')).toBe(true);
  }, 120_000);

  it('imports a PNG the simulator made with the prompt, seed and settings ComfyUI embedded, and re-runs it exactly', async () => {
    const workflow = starterWorkflow();
    const sampler = workflow['3'];
    if (sampler) sampler.inputs = { ...sampler.inputs, seed: 9007199254740991, steps: 7, cfg: 6.5 };
    const text = workflow['6'];
    if (text) text.inputs = { ...text.inputs, text: 'a glass teapot on moss' };
    const file = await simulatorImage(workflow);
    expect(file).toBeDefined();

    const listed = await rig.gallery.handlers['gallery.oss.list']({ serviceId: SERVICE, limit: 100 });
    const object = listed.files.find((f) => f.filename === file?.filename);
    expect(object?.lastModified).toBeGreaterThan(0);
    await rig.gallery.handlers['gallery.oss.import']({
      serviceId: SERVICE,
      files: [{ filename: object?.filename ?? '', subfolder: object?.subfolder ?? '' }],
    });
    const added = await rig.image('gallery.added', (image) => image.filename === file?.filename);
    expect(added).toMatchObject({ state: 'fetched', external: true, positive: 'a glass teapot on moss' });
    expect(added.seed).toBe('9007199254740991');
    expect(added.createdAt).toBe(object?.lastModified);
    const details = await rig.gallery.handlers['gallery.get']({ id: added.id });
    expect(details).toMatchObject({ source: 'import', steps: 7, cfg: 6.5, sampler: 'euler', hasWorkflow: true });

    const rerun = await rig.gallery.handlers['gallery.rerunParams']({ id: added.id });
    expect(rerun.source).toBe('png');
    expect(rerun.values['3.seed']).toBe('9007199254740991');
    expect(rerun.values['3.steps']).toBe(7);
    expect(rerun.values['6.text']).toBe('a glass teapot on moss');
    expect(parseJson(rerun.workflowJson)).toEqual(workflow);
  });

  it('keeps a seed beyond 2^53 from a PNG the simulator made exact, in the index and in the re-run values', async () => {
    const workflow = starterWorkflow();
    const sampler = workflow['3'];
    if (sampler) sampler.inputs = { ...sampler.inputs, seed: 18446744073709551615n };
    const file = await simulatorImage(workflow);
    if (!file) throw new Error('the simulator made no image');
    await rig.gallery.handlers['gallery.oss.import']({
      serviceId: SERVICE,
      files: [{ filename: file.filename, subfolder: file.subfolder }],
    });
    const added = await rig.image('gallery.added', (image) => image.filename === file.filename);
    expect(added.seed).toBe('18446744073709551615');
    const rerun = await rig.gallery.handlers['gallery.rerunParams']({ id: added.id });
    expect(rerun.values['3.seed']).toBe('18446744073709551615');
    expect(rerun.workflowJson).toContain('18446744073709551615');
  });

  it('re-runs an image of a job from the workflow the job sent', async () => {
    const { jobIds } = rig.rig.queue(['a paper boat'], SERVICE);
    const jobId = jobIds[0] ?? '';
    const identity = randomUUID();
    rig.rig.ledger.assignIdentity(jobId, identity);
    const png = encodePng({ width: 16, height: 16, rgb: Buffer.alloc(16 * 16 * 3, 5) }, []);
    sim.oss.put(key('boat_00001_.png'), png);
    rig.rig.ledger.recordResult(SERVICE, {
      identity,
      external: false,
      outputs: [{ node: '9', kind: 'images', filename: 'boat_00001_.png', subfolder: '', type: 'output' }],
    });
    rig.gallery.intake.enqueue();
    const added = await rig.image('gallery.added', (image) => image.jobId === jobId);
    const rerun = await rig.gallery.handlers['gallery.rerunParams']({ id: added.id });
    const sent = rig.rig.ledger.jobWorkflow(jobId);
    const seed = sent['3']?.inputs.seed;
    if (typeof seed !== 'number' && typeof seed !== 'bigint') throw new Error('the starter has a seed');
    expect(rerun).toMatchObject({ source: 'job', serviceId: SERVICE });
    expect(rerun.values['3.seed']).toBe(String(seed));
    expect(rerun.values['6.text']).toBe('a paper boat');
    expect(added.seed).toBe(String(seed));
  });

  it('exports originals byte for byte without overwriting, and skips what is not cached', async () => {
    const png = encodePng({ width: 4, height: 4, rgb: Buffer.alloc(48, 1) }, [['prompt', '{"1":{}}']]);
    sim.oss.put(key('keep_00001_.png'), png);
    await rig.gallery.handlers['gallery.oss.import']({
      serviceId: SERVICE,
      files: [
        { filename: 'keep_00001_.png', subfolder: '' },
        { filename: 'absent_00001_.png', subfolder: '' },
      ],
    });
    const kept = await rig.image('gallery.added', (image) => image.filename === 'keep_00001_.png');
    const absent = await rig.image('gallery.added', (image) => image.filename === 'absent_00001_.png');
    expect(absent.state).toBe('missing');
    expect(absent.error).toMatch(/is not in the bucket/);
    const ids = [kept.id, absent.id];
    expect(await rig.gallery.handlers['gallery.export']({ ids })).toEqual({
      folder: out,
      exported: 1,
      skipped: 1,
      files: [{ id: kept.id, name: 'keep_00001_.png' }],
    });
    expect(await rig.gallery.handlers['gallery.export']({ ids })).toMatchObject({
      files: [{ id: kept.id, name: 'keep_00001_ (2).png' }],
    });
    expect((await readdir(out)).sort()).toEqual(['keep_00001_ (2).png', 'keep_00001_.png']);
    expect((await readFile(join(out, 'keep_00001_.png'))).equals(png)).toBe(true);
  });

  it('takes the export folder from the shell only: a folder named by the renderer is refused', async () => {
    const refused = await dispatchCall(
      { 'gallery.export': rig.gallery.handlers['gallery.export'] } as unknown as ContractHandlers,
      'gallery.export',
      { ids: [1], folder: out },
    );
    expect(refused).toMatchObject({ ok: false, error: { kind: 'bad_request' } });
    expect(await readdir(out)).toEqual([]);
  });

  it('refuses export where there is no folder picker, pointing to Download', async () => {
    const bare = galleryRig();
    try {
      await expect(bare.gallery.handlers['gallery.export']({ ids: [1] })).rejects.toThrow(/Download/);
    } finally {
      await bare.cleanup();
    }
  });
});
