// The Exclusive client against a real ComfyUI 0.3.65: model-free workflows run, every file of every output node comes
// back through /history, and /view serves each of them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workflowFromPng } from '../../main/comfy/png-metadata';
import type { ExclusiveClientOptions } from '../../main/editions/exclusive/exclusive-client';
import {
  connectExclusive,
  PNG_SIGNATURE,
  submitWorkflow,
  type ConnectedClient,
} from '../integration/support/exclusive-rig';
import { comfyUrl, invertWorkflow, noiseWorkflow, previewWorkflow, twoSavesWorkflow } from './support/peer-service';

let dir: string;
const connected: ConnectedClient[] = [];

function connect(options: Partial<ExclusiveClientOptions> = {}): ConnectedClient {
  const rig = connectExclusive({
    url: comfyUrl(),
    timing: { pollIntervalMs: 200, maxPollIntervalMs: 1_000 },
    ...options,
  });
  connected.push(rig);
  return rig;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'artlab-peer-'));
});
afterEach(async () => {
  await Promise.all(connected.splice(0).map(({ client }) => client.close()));
  await rm(dir, { recursive: true, force: true });
});

async function downloadAll(rig: ConnectedClient, outputs: ConnectedClient['results'][number]['outputs']) {
  const bytes: Buffer[] = [];
  for (const [index, file] of outputs.entries()) {
    const destination = join(dir, `${index}.png`);
    await rig.client.download(file, destination);
    bytes.push(await readFile(destination));
  }
  return bytes;
}

describe('model-free workflows on a real ComfyUI', () => {
  it('runs EmptyImage → ImageAddNoise → SaveImage and downloads the PNG', async () => {
    const rig = connect();
    const identity = await submitWorkflow(rig.client, noiseWorkflow({ prefix: 'peer-noise' }));
    const done = await rig.result(identity);
    expect(done.error).toBeUndefined();
    expect(done.outputs).toEqual([
      {
        node: '3',
        kind: 'images',
        filename: expect.stringMatching(/^peer-noise_\d{5}_\.png$/) as unknown,
        subfolder: '',
        type: 'output',
      },
    ]);
    const [png] = await downloadAll(rig, done.outputs);
    expect(png?.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });

  it('runs EmptyImage → ImageInvert → SaveImage, a workflow without a seed', async () => {
    const rig = connect();
    const identity = await submitWorkflow(rig.client, invertWorkflow({ prefix: 'peer-invert' }));
    const done = await rig.result(identity);
    expect(done.error).toBeUndefined();
    expect(done.outputs.map((file) => file.filename)).toEqual([expect.stringMatching(/^peer-invert_\d{5}_\.png$/)]);
  });

  it('brings back every file of two SaveImage nodes with batch_size 2, subfolder included', async () => {
    const rig = connect();
    const identity = await submitWorkflow(rig.client, twoSavesWorkflow());
    const done = await rig.result(identity);
    expect(done.error).toBeUndefined();
    const byNode = (node: string) => done.outputs.filter((file) => file.node === node);
    expect(byNode('3').map((file) => [file.subfolder, file.type])).toEqual([
      ['', 'output'],
      ['', 'output'],
    ]);
    expect(byNode('4').map((file) => [file.subfolder, file.type])).toEqual([
      ['peer-sub', 'output'],
      ['peer-sub', 'output'],
    ]);
    for (const file of byNode('4')) expect(file.filename).toMatch(/^inverted_\d{5}_\.png$/);
    expect(new Set(done.outputs.map((file) => `${file.subfolder}/${file.filename}`)).size).toBe(4);
    const pngs = await downloadAll(rig, done.outputs);
    for (const png of pngs) expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });

  it('lists PreviewImage files as temp outputs and downloads them from the temp folder', async () => {
    const rig = connect();
    const identity = await submitWorkflow(rig.client, previewWorkflow());
    const done = await rig.result(identity);
    expect(done.error).toBeUndefined();
    expect(done.outputs).toHaveLength(1);
    expect(done.outputs[0]).toMatchObject({ node: '2', type: 'temp', subfolder: '' });
    expect(done.outputs[0]?.filename).toMatch(/^ComfyUI_temp_[a-z]{5}_\d{5}_\.png$/);
    const [png] = await downloadAll(rig, done.outputs);
    expect(png?.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });

  it('tells of a PreviewImage file as the node runs (its executed frame), before the result', async () => {
    const rig = connect();
    const identity = await submitWorkflow(rig.client, previewWorkflow());
    await rig.result(identity);
    const previews = rig.events.filter((event) => event.type === 'previews');
    expect(previews).toEqual([
      {
        type: 'previews',
        identity,
        files: [expect.objectContaining({ node: '2', kind: 'images', type: 'temp', subfolder: '' }) as unknown],
      },
    ]);
  });

  it('writes the submitted workflow into the saved PNG, where the app reads it back', async () => {
    const rig = connect();
    const workflow = noiseWorkflow({ seed: 7 });
    const identity = await submitWorkflow(rig.client, workflow);
    const done = await rig.result(identity);
    const [png] = await downloadAll(rig, done.outputs);
    if (!png) throw new Error('no PNG');
    expect(workflowFromPng(png)).toMatchObject({ '2': { class_type: 'ImageAddNoise', inputs: { seed: 7 } } });
  });

  it('keeps the text a PreviewAny node showed (a result with no file is a success with its text)', async () => {
    const rig = connect();
    const words = `peer caption ${Date.now()}, 夕暮れ`;
    const identity = await submitWorkflow(rig.client, {
      '1': { class_type: 'PrimitiveString', inputs: { value: words } },
      '2': { class_type: 'PreviewAny', inputs: { source: ['1', 0] } },
    });
    const done = await rig.result(identity);
    expect(done.error).toBeUndefined();
    expect(done.outputs).toEqual([]);
    expect(done.texts).toEqual([words]);
  });
});
