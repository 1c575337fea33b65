// What a real ComfyUI refuses, reuses and stops: validation errors (400 with node_errors), its cache of identical
// prompts, and cancelling through /queue (pending) and /interrupt (running).
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExclusiveClientOptions } from '../../main/editions/exclusive/exclusive-client';
import { ValidationError } from '../../main/errors';
import { connectExclusive, submitWorkflow, type ConnectedClient } from '../integration/support/exclusive-rig';
import { comfyUrl, invertWorkflow, noiseWorkflow, slowWorkflow } from './support/peer-service';

const connected: ConnectedClient[] = [];
afterEach(async () => {
  await Promise.all(connected.splice(0).map(({ client }) => client.close()));
});

function connect(options: Partial<ExclusiveClientOptions> = {}): ConnectedClient {
  const rig = connectExclusive({
    url: comfyUrl(),
    timing: { pollIntervalMs: 200, maxPollIntervalMs: 1_000 },
    ...options,
  });
  connected.push(rig);
  return rig;
}

describe('validation errors from a real ComfyUI', () => {
  it('names the node by its title and the input above its maximum', async () => {
    const { client } = connect();
    const workflow = noiseWorkflow();
    const grain = workflow['2'];
    if (!grain) throw new Error('no noise node');
    grain.inputs.strength = 2;
    const error = await submitWorkflow(client, workflow).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ node: '2', input: 'strength' });
    expect((error as Error).message).toContain('Grain (node 2): strength 2 is above the maximum 1');
  });

  it('names a missing required input', async () => {
    const { client } = connect();
    const workflow = noiseWorkflow();
    delete workflow['2']?.inputs.image;
    const error = await submitWorkflow(client, workflow).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ node: '2', input: 'image' });
    expect((error as Error).message).toContain('Grain (node 2): the required input image is missing');
  });

  it('names an input of the wrong type', async () => {
    const { client } = connect();
    const workflow = noiseWorkflow();
    const canvas = workflow['1'];
    if (!canvas) throw new Error('no canvas node');
    canvas.inputs.width = 'wide';
    const error = await submitWorkflow(client, workflow).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ node: '1', input: 'width' });
    expect((error as Error).message).toContain('Blank canvas (node 1): width "wide" has the wrong type');
  });

  it('names the node whose class the service does not have', async () => {
    const { client } = connect();
    const workflow = noiseWorkflow();
    const grain = workflow['2'];
    if (!grain) throw new Error('no noise node');
    grain.class_type = 'ImageAddFancyNoise';
    const error = await submitWorkflow(client, workflow).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ node: '2' });
    expect((error as Error).message).toContain(
      'Grain (node 2): Cannot execute because node ImageAddFancyNoise does not exist',
    );
  });

  it('explains a workflow without an output node', async () => {
    const { client } = connect();
    const workflow = noiseWorkflow();
    delete workflow['3'];
    const error = await submitWorkflow(client, workflow).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/Prompt has no outputs\. Add an output node such as Save Image/);
  });

  it('refuses a workflow it would run only in part (a model it lacks), naming the checkpoint', async () => {
    // ComfyUI answers 200 and runs the valid SaveImage, naming the other output's failure in node_errors.
    const { client, results } = connect();
    const workflow = invertWorkflow();
    workflow['4'] = { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } };
    workflow['5'] = { class_type: 'VAEDecode', inputs: { samples: ['6', 0], vae: ['4', 2] } };
    workflow['6'] = { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } };
    workflow['7'] = { class_type: 'SaveImage', inputs: { images: ['5', 0], filename_prefix: 'peer-model' } };
    const error = await submitWorkflow(client, workflow).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ node: '4', input: 'ckpt_name' });
    expect((error as Error).message).toContain('ran only part of the workflow');
    expect((error as Error).message).toContain('is not one of the choices this service offers');
    expect(results).toEqual([]);
  });
});

describe('the cache of a real ComfyUI', () => {
  it('answers an identical prompt with the first run’s files, and the client hands them over as a success', async () => {
    const rig = connect();
    const workflow = noiseWorkflow({ prefix: 'peer-cache' });
    const first = await rig.result(await submitWorkflow(rig.client, workflow));
    const again = await rig.result(await submitWorkflow(rig.client, workflow));
    expect(first.error).toBeUndefined();
    expect(again.error).toBeUndefined();
    // No new file: the history of the second prompt repeats the names of the first.
    expect(again.outputs).toEqual(first.outputs);
  });
});

describe('cancelling on a real ComfyUI', () => {
  it('deletes a pending prompt through /queue and interrupts the running one through /interrupt', async () => {
    const rig = connect();
    const running = await submitWorkflow(rig.client, slowWorkflow());
    const pending = await submitWorkflow(rig.client, invertWorkflow());
    await expect.poll(() => rig.events.some((e) => e.type === 'running' && e.identity === running)).toBe(true);
    // Positions count the prompts waiting ahead (the running one is not waiting): next in line is 0.
    expect(await rig.client.lookup(pending)).toEqual({ state: 'queued', position: 0 });

    await expect(rig.client.cancel(pending)).resolves.toBe('removed');
    expect(await rig.client.lookup(pending)).toEqual({ state: 'unknown' });
    await expect(rig.client.cancel(running)).resolves.toBe('interrupted');
    const interrupted = await rig.result(running);
    expect(interrupted.error).toMatch(/interrupted/);
    expect(interrupted.outputs).toEqual([]);

    // The deleted prompt never ran: nothing knows it, and cancelling it again finds nothing.
    expect(await rig.client.lookup(pending)).toEqual({ state: 'unknown' });
    await expect(rig.client.cancel(pending)).resolves.toBe('not-found');
    await expect(rig.client.cancel(randomUUID())).resolves.toBe('not-found');
    expect(rig.results.map((result) => result.identity)).toEqual([running]);
  });

  it('answers /queue deletes and /interrupt with 200 and an empty application/octet-stream body', async () => {
    for (const [path, body] of [
      ['queue', JSON.stringify({ delete: ['no-such-prompt'] })],
      ['interrupt', JSON.stringify({ prompt_id: 'no-such-prompt' })],
      ['interrupt', ''],
    ] as const) {
      const reply = await fetch(new URL(path, comfyUrl()), { method: 'POST', body });
      expect([reply.status, reply.headers.get('content-type'), await reply.text()]).toEqual([
        200,
        'application/octet-stream',
        '',
      ]);
    }
  });
});
