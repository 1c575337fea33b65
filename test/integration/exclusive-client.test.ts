import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { starterWorkflow } from '../../main/comfy/starter';
import type { ApiWorkflow } from '../../main/comfy/workflow-types';
import { ExclusiveClient, type ExclusiveClientOptions } from '../../main/editions/exclusive/exclusive-client';
import { NetworkError, NotFoundError, ServiceError, ValidationError } from '../../main/errors';
import { startSimulator, type Simulator } from '../sim/index';
import { ObjectStore } from '../sim/oss/object-store';
import { startExclusiveServer } from '../sim/exclusive/server';
import { connectExclusive, PNG_SIGNATURE, submitWorkflow, type ConnectedClient } from './support/exclusive-rig';

let sim: Simulator;
let dir: string;
const clients: ExclusiveClient[] = [];

/** A started client on the simulator's Exclusive service, closed after the test. */
function connect(options: Partial<ExclusiveClientOptions> = {}): ConnectedClient {
  const connected = connectExclusive({
    url: sim.info.exclusive.url,
    token: sim.info.exclusive.token,
    timing: { pollIntervalMs: 100, maxPollIntervalMs: 400 },
    backoff: { initialMs: 50, maxMs: 400 },
    ...options,
  });
  clients.push(connected.client);
  return connected;
}

function submit(client: ExclusiveClient, workflow: ApiWorkflow = starterWorkflow()) {
  return submitWorkflow(client, workflow);
}

beforeEach(async () => {
  sim = await startSimulator({ stepMs: 5, workers: 1 });
  dir = await mkdtemp(join(tmpdir(), 'artlab-exclusive-'));
});

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Exclusive edition client', () => {
  it('runs the starter workflow with live progress and downloads the finished PNG', async () => {
    // default timing: completion must come through the socket hint, not a 2 s poll
    const { client, events, result, results } = connect({ timing: {} });
    const identity = await submit(client);
    const done = await result(identity);
    expect(done.error).toBeUndefined();
    expect(done.external).toBe(false);
    expect(done.outputs).toHaveLength(1);
    const [image] = done.outputs;
    expect(image).toMatchObject({ node: '9', kind: 'images', type: 'output' });
    expect(image?.filename).toMatch(/^ComfyUI_\d+_\.png$/);

    const progress = events.filter((e) => e.type === 'progress' && e.identity === identity);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ node: '3', max: 20 });
    expect(events).toContainEqual({ type: 'running', identity });
    expect(events).toContainEqual({ type: 'connection', state: { state: 'live' } });

    const destination = join(dir, 'out.png');
    if (!image) throw new Error('no image');
    await client.download(image, destination);
    expect((await readFile(destination)).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(await readdir(dir)).toEqual(['out.png']);
    expect(results.filter((r) => r.identity === identity)).toHaveLength(1);
  });

  it('sends the ledger job id and client id in extra_data, under the chosen prompt_id', async () => {
    const { client, result } = connect();
    const identity = randomUUID();
    const receipt = await client.submit({ identity, jobId: 'job-42', workflow: starterWorkflow() });
    expect(receipt.identity).toBe(identity);
    expect(typeof receipt.queueIndex).toBe('number');
    await result(identity);
    const entry = sim.exclusive.queue.historyOf(identity)[identity];
    expect(entry?.prompt[3]).toMatchObject({ artlab_job_id: 'job-42', client_id: client.clientId });
  });

  it('names the node by title and the input when a value is out of range', async () => {
    const { client } = connect();
    const workflow = starterWorkflow();
    const sampler = workflow['3'];
    if (!sampler) throw new Error('starter has no KSampler');
    sampler.inputs.steps = 0;
    const error = await submit(client, workflow).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('KSampler (node 3): steps 0 is below the minimum 1');
    expect(error).toMatchObject({ node: '3', input: 'steps' });
  });

  it('names a missing input, in the titles of the artist’s language', async () => {
    const { client } = connect();
    const workflow = starterWorkflow('zh-CN');
    delete workflow['3']?.inputs.model;
    const error = await submit(client, workflow).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('K采样器 (node 3): the required input model is missing');
    expect(error).toMatchObject({ node: '3', input: 'model' });
  });

  it('refuses a workflow ComfyUI would run only in part, naming the failing input, and withdraws the prompt', async () => {
    const { client, results } = connect();
    const workflow = starterWorkflow();
    // a second branch whose checkpoint the service lacks: ComfyUI accepts the prompt (200) and runs the rest
    workflow['20'] = { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'missing.safetensors' } };
    workflow['21'] = { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['20', 2] } };
    workflow['22'] = { class_type: 'SaveImage', inputs: { images: ['21', 0], filename_prefix: 'second' } };
    const identity = randomUUID();
    const error = await client.submit({ identity, jobId: 'job-partial', workflow }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ node: '20', input: 'ckpt_name' });
    expect((error as Error).message).toContain('ran only part of the workflow');
    expect((error as Error).message).toContain('ckpt_name "missing.safetensors" is not one of the choices');
    await sim.exclusive.queue.idle();
    expect(sim.exclusive.queue.historyOf(identity)[identity]?.status.status_str).not.toBe('success');
    expect(results).toEqual([]);
  });

  it('names the node whose class the service does not have', async () => {
    const { client } = connect();
    const workflow = starterWorkflow();
    const sampler = workflow['3'];
    if (!sampler) throw new Error('starter has no KSampler');
    sampler.class_type = 'KSamplerFromAPack';
    const error = await submit(client, workflow).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ node: '3' });
    expect((error as Error).message).toContain(
      'KSampler (node 3): Cannot execute because node KSamplerFromAPack does not exist',
    );
  });

  it('keeps 64-bit seeds exact on the wire', async () => {
    const { client, result } = connect();
    const workflow = starterWorkflow();
    const sampler = workflow['3'];
    if (!sampler) throw new Error('starter has no KSampler');
    sampler.inputs.seed = 18446744073709551615n;
    const identity = await submit(client, workflow);
    expect((await result(identity)).error).toBeUndefined();
  });

  it('removes a pending prompt and interrupts a running one', async () => {
    sim.exclusive.queue.stepMs = 100;
    const { client, events, result, results } = connect();
    const running = await submit(client);
    const pending = await submit(client);
    await expect.poll(() => events.some((e) => e.type === 'progress' && e.identity === running)).toBe(true);

    await expect(client.cancel(pending)).resolves.toBe('removed');
    expect(await client.lookup(pending)).toEqual({ state: 'unknown' });
    await expect(client.cancel(running)).resolves.toBe('interrupted');
    const interrupted = await result(running);
    expect(interrupted.error).toMatch(/interrupted/);
    await sim.exclusive.queue.idle();
    expect(results.map((r) => r.identity)).toEqual([running]);
    await expect(client.cancel(randomUUID())).resolves.toBe('not-found');
  });

  it('reports how many prompts wait ahead, and moves the waiting ones up as soon as one starts', async () => {
    sim.exclusive.queue.stepMs = 15;
    // the safety-net poll is slower than the whole test: only the queue's own status frames can move the places
    const { client, events, result } = connect({ timing: { pollIntervalMs: 60_000, maxPollIntervalMs: 60_000 } });
    const place = (identity: string) =>
      events.flatMap((e) =>
        e.type === 'queued' && e.identity === identity && e.position !== undefined ? [e.position] : [],
      );
    // three seeds: the same prompt again would be served from the cache at once
    const seeded = (seed: number) => {
      const workflow = starterWorkflow();
      const sampler = workflow['3'];
      if (sampler) sampler.inputs.seed = seed;
      return workflow;
    };
    const first = await submit(client, seeded(1));
    await expect.poll(() => events.some((e) => e.type === 'progress' && e.identity === first)).toBe(true);
    const second = await submit(client, seeded(2));
    const third = await submit(client, seeded(3));
    // first runs; second is next (nothing waits ahead of it), third has one ahead
    await expect.poll(() => place(third).at(-1)).toBe(1);
    expect(place(second).at(-1)).toBe(0);
    await result(first);
    // second started: third is next now
    await expect.poll(() => place(third).at(-1)).toBe(0);
    expect(Math.max(...place(third))).toBe(1);
  });

  it('finds a prompt by its identity after the reply to the submit was lost', async () => {
    sim.exclusive.queue.stepMs = 20;
    const first = connect();
    const identity = await submit(first.client);
    // another client instance (the app after a crash) knows only the identity from its ledger
    const recovered = connect();
    const state = await recovered.client.lookup(identity);
    expect(['queued', 'running']).toContain(state.state);
    await sim.exclusive.queue.idle();
    const done = await recovered.client.lookup(identity);
    expect(done.state).toBe('done');
    if (done.state !== 'done') return;
    expect(done.result.outputs[0]?.filename).toMatch(/\.png$/);
  });

  it('delivers the result of a followed prompt by polling, though the socket sends its events elsewhere', async () => {
    sim.exclusive.queue.stepMs = 20;
    const first = connect({ progressSocket: false });
    const identity = await submit(first.client);
    await first.client.close();
    const later = connect();
    later.client.follow(identity);
    const done = await later.result(identity);
    expect(done.error).toBeUndefined();
    expect(done.outputs).toHaveLength(1);
  });

  it('hands a result over again when storing it failed, and stops once it is stored', async () => {
    // Only setTimeout is faked, following the real clock, so the client and the simulator run as usual; the test can
    // then jump many poll intervals at once.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    const client = new ExclusiveClient({
      url: sim.info.exclusive.url,
      token: sim.info.exclusive.token,
      timing: { pollIntervalMs: 50, maxPollIntervalMs: 100 },
    });
    clients.push(client);
    const attempts: string[] = [];
    let stored: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (stored = resolve));
    client.start((result) => {
      attempts.push(result.identity);
      if (attempts.length === 1) return Promise.reject(new Error('disk full'));
      stored();
      return Promise.resolve();
    });
    const identity = await submit(client);
    await done;
    // many poll intervals later: nothing more is handed over
    await sim.exclusive.queue.idle();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(attempts).toEqual([identity, identity]);
  });

  it('reports health and reads the node catalogue', async () => {
    const { client } = connect();
    const health = await client.health();
    expect(health.version).toBe('0.3.65');
    expect(health.device).toContain('NVIDIA');
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    const catalog = await client.nodeCatalog();
    expect(catalog.get('SaveImage')?.outputNode).toBe(true);
  });
});

describe('Exclusive edition downloads', () => {
  it('refuses a hostile file name before any request', async () => {
    const { client } = connect();
    const file = { node: '9', kind: 'images', filename: '../../evil.png', subfolder: '', type: 'output' };
    await expect(client.download(file, join(dir, 'evil.png'))).rejects.toBeInstanceOf(ValidationError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a file the service no longer has as NotFoundError and leaves no file', async () => {
    const { client } = connect();
    const file = { node: '9', kind: 'images', filename: 'gone.png', subfolder: '', type: 'output' };
    await expect(client.download(file, join(dir, 'gone.png'))).rejects.toBeInstanceOf(NotFoundError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves no file when the body stops short', async () => {
    const short: Server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': '100000' });
      res.write(PNG_SIGNATURE);
      setTimeout(() => res.destroy(), 20);
    });
    await new Promise<void>((resolve) => short.listen(0, '127.0.0.1', resolve));
    try {
      const address = short.address();
      if (!address || typeof address === 'string') throw new Error('no port');
      const { client } = connect({ url: `http://127.0.0.1:${address.port}/`, progressSocket: false });
      const file = { node: '9', kind: 'images', filename: 'a.png', subfolder: '', type: 'output' };
      await expect(client.download(file, join(dir, 'a.png'))).rejects.toBeInstanceOf(NetworkError);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      short.closeAllConnections();
      await new Promise<void>((resolve) => short.close(() => resolve()));
    }
  });
});

describe('a local ComfyUI without a token', () => {
  it('runs the starter workflow', async () => {
    const store = new ObjectStore();
    const local = await startExclusiveServer({ store, mountPrefix: 'local', stepMs: 0 });
    try {
      const { client, result } = connect({ url: local.url, token: undefined });
      const identity = await submit(client);
      const done = await result(identity);
      expect(done.outputs).toHaveLength(1);
      await expect(client.health()).resolves.toMatchObject({ version: '0.3.65' });
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await local.close();
    }
  });

  it('refuses a URL that is not http(s) with how to find the right one', () => {
    expect(() => new ExclusiveClient({ url: 'ftp://example.com/' })).toThrow(ValidationError);
    expect(() => new ExclusiveClient({ url: 'not a url' })).toThrow(/call information/);
  });

  it('explains a body ComfyUI could not read (500 text/plain)', async () => {
    const { client } = connect();
    const error = await client
      .submit({ identity: randomUUID(), jobId: 'j', workflow: [] as unknown as ApiWorkflow })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as Error).message).toContain('could not read the workflow (HTTP 500');
  });
});
