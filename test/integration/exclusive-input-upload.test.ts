// Input images on the Exclusive edition, against the simulator: uploaded once under their content hash, found again
// instead of re-sent, and taken by a LoadImage that then runs.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExclusiveClient } from '../../main/editions/exclusive/exclusive-client';
import { inputImageName } from '../../main/editions/input-image';
import { ValidationError } from '../../main/errors';
import { startSimulator, type Simulator } from '../sim/index';
import { connectExclusive, submitWorkflow, type ConnectedClient } from './support/exclusive-rig';
import { HostileServer } from './support/hostile/hostile-http';

let sim: Simulator;
let rig: ConnectedClient;
const puts: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ stepMs: 1 });
  sim.oss.subscribe((event) => {
    if (event.type === 'put') puts.push(event.key);
  });
  rig = connectExclusive({ url: sim.info.exclusive.url, token: sim.info.exclusive.token });
});
afterAll(async () => {
  await rig.client.close();
  await sim.close();
});

async function png(rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();
}

describe('input images on the Exclusive edition', () => {
  it('uploads an image once under its content hash, and finds it there the next time', async () => {
    const bytes = await png([200, 10, 10]);
    const name = inputImageName({ bytes, ext: 'png' });
    expect(name).toMatch(/^artlab-[0-9a-f]{40}\.png$/);

    const first = await rig.client.uploadInput({ bytes, ext: 'png' });
    expect(first).toEqual({ value: name, name, subfolder: '', reused: false });
    const second = await rig.client.uploadInput({ bytes, ext: 'png' });
    expect(second).toMatchObject({ value: name, reused: true });
    expect(puts.filter((key) => key.endsWith(name))).toHaveLength(1);
  });

  it('gives different bytes a different name', async () => {
    const a = await rig.client.uploadInput({ bytes: await png([1, 2, 3]), ext: 'png' });
    const b = await rig.client.uploadInput({ bytes: await png([3, 2, 1]), ext: 'png' });
    expect(a.name).not.toBe(b.name);
  });

  it('runs LoadImage on the uploaded name', async () => {
    const uploaded = await rig.client.uploadInput({ bytes: await png([0, 128, 255]), ext: 'png' });
    const identity = await submitWorkflow(rig.client, {
      '1': { class_type: 'LoadImage', inputs: { image: uploaded.value } },
      '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'inverted' } },
    });
    const done = await rig.result(identity);
    expect(done.error).toBeUndefined();
    expect(done.outputs).toHaveLength(1);
  });

  it('refuses an empty file and a type that is not a file extension before sending anything', async () => {
    const before = puts.length;
    await expect(rig.client.uploadInput({ bytes: new Uint8Array(), ext: 'png' })).rejects.toThrow(ValidationError);
    await expect(rig.client.uploadInput({ bytes: await png([9, 9, 9]), ext: '../x' })).rejects.toMatchObject({
      code: 'input-image-type',
    });
    expect(puts.length).toBe(before);
  });
});

describe('input images against a service that misbehaves', () => {
  it('refuses an upload reply that is not ComfyUI’s, naming the service, and does not hang', async () => {
    const server = await HostileServer.start((req, res) => {
      if (req.url?.startsWith('/view')) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login required</html>');
    });
    const client = new ExclusiveClient({ url: server.url, name: 'Hostile', progressSocket: false, timeoutMs: 5_000 });
    try {
      const error: unknown = await client
        .uploadInput({ bytes: await png([5, 5, 5]), ext: 'png' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'input-upload-reply', params: { service: 'Hostile' } });
    } finally {
      await client.close();
      await server.close();
    }
  });
});
