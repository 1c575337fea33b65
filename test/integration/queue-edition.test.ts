// The API edition against the simulator: submit through api_prompt, results only through the sink watcher, position
// and cancel on the input queue (reference/artlab-api-edition.md).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { starterWorkflow } from '../../main/comfy/starter';
import type { ApiWorkflow } from '../../main/comfy/workflow-types';
import type { EditionEvent, EditionOutputFile, EditionResult } from '../../main/editions/edition';
import { QueueEdition, type QueueEditionOptions } from '../../main/editions/queue/queue-edition';
import { AuthError, NotFoundError } from '../../main/errors';
import { OssImageSource } from '../../main/oss/oss-image-source';
import { startSimulator, type Simulator, type SimulatorOptions } from '../sim/index';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(options: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  const sim = await startSimulator({ redeliveryGraceMs: 100, ...options });
  cleanups.push(() => sim.close());
  return sim;
}

function edition(sim: Simulator, options: Partial<QueueEditionOptions> = {}): QueueEdition {
  const created = new QueueEdition({
    url: sim.info.queue.url,
    token: sim.info.queue.token,
    uid: 'desktop-uid-1',
    watcher: { backoff: { initialMs: 20, maxMs: 500 }, pingIntervalMs: 500, pongTimeoutMs: 2000 },
    ...options,
  });
  cleanups.push(() => created.close());
  return created;
}

function small(): ApiWorkflow {
  const workflow = starterWorkflow();
  const latent = workflow['5'];
  if (latent) latent.inputs = { ...latent.inputs, width: 64, height: 64 };
  return workflow;
}

/** Collects results; `next()` resolves with the next one. */
function collector(): {
  results: EditionResult[];
  handler: (r: EditionResult) => Promise<void>;
  next(): Promise<EditionResult>;
} {
  const results: EditionResult[] = [];
  const waiting: ((r: EditionResult) => void)[] = [];
  return {
    results,
    handler: (result) => {
      results.push(result);
      waiting.shift()?.(result);
      return Promise.resolve();
    },
    next: () => new Promise((resolve) => waiting.push(resolve)),
  };
}

describe('API edition', () => {
  it('submits the starter workflow through api_prompt and receives its result through the sink watcher', async () => {
    const sim = await simulator();
    const queue = edition(sim);
    const events: EditionEvent[] = [];
    queue.onEvent((event) => events.push(event));
    const results = collector();
    queue.start(results.handler);
    const arrived = results.next();
    const committed = new Promise((resolve) => queue.onCommit(resolve));
    const receipt = await queue.submit({ jobId: 'job-1', identity: 'task-starter', workflow: small() });
    expect(receipt).toEqual({ identity: 'task-starter', queueIndex: 1 });
    const result = await arrived;
    expect(result).toMatchObject({ identity: 'task-starter', external: false });
    expect(result.error).toBeUndefined();
    const [file] = result.outputs;
    expect(file).toMatchObject({ node: '9', kind: 'images', subfolder: '', type: 'output' });
    expect(file?.filename).toMatch(/^ComfyUI_\d+_[0-9a-f-]+_\.png$/);
    expect(sim.oss.head(`${sim.info.oss.prefix}/output/${file?.filename ?? ''}`)).toBeDefined();
    expect(events).toContainEqual({ type: 'queued', identity: 'task-starter' });
    expect(events).toContainEqual({ type: 'connection', state: { state: 'live' } });
    await committed;
    expect(sim.queue.sink.length).toBe(0);
    expect(queue.connection).toEqual({ state: 'live' });
  });

  it('reports a workflow the service cannot run as a failed result naming the node', async () => {
    const sim = await simulator();
    const queue = edition(sim);
    const results = collector();
    queue.start(results.handler);
    const arrived = results.next();
    const broken = small();
    const sampler = broken['3'];
    if (sampler) sampler.inputs = { ...sampler.inputs, sampler_name: 'no-such-sampler' };
    await queue.submit({ jobId: 'job-2', identity: 'task-broken', workflow: broken });
    const result = await arrived;
    expect(result.outputs).toEqual([]);
    expect(result.error).toMatch(/KSampler/);
  });

  it('marks results of other clients of the sink as external, and followed identities as its own', async () => {
    const sim = await simulator({ workers: 0 });
    const queue = edition(sim);
    queue.follow('task-from-before-restart');
    const results = collector();
    queue.start(results.handler);
    const first = results.next();
    sim.queue.sink.put(Buffer.from('[{"9":{"images":[]}}]'), { task_id: 'a-colleague-script' });
    expect(await first).toMatchObject({ identity: 'a-colleague-script', external: true });
    const second = results.next();
    sim.queue.sink.put(Buffer.from('[]'), { task_id: 'task-from-before-restart' });
    expect(await second).toMatchObject({ identity: 'task-from-before-restart', external: false });
  });

  it('sends 64-bit seeds exactly', async () => {
    const sim = await simulator({ workers: 0 });
    const queue = edition(sim);
    const workflow = small();
    const sampler = workflow['3'];
    if (sampler) sampler.inputs = { ...sampler.inputs, seed: 18446744073709551615n };
    const receipt = await queue.submit({ jobId: 'job-3', identity: 'task-seed', workflow });
    const item = sim.queue.input.read(receipt.queueIndex ?? 0, 1, {})[0];
    expect(item?.tags.task_id).toBe('task-seed');
    expect(item?.data.toString('utf8')).toContain('"seed":18446744073709551615');
  });

  it('shows position and jobs waiting, and cancels a job no worker has taken', async () => {
    const sim = await simulator({ workers: 0 });
    const queue = edition(sim);
    const receipts = [];
    for (const id of ['a', 'b', 'c']) {
      receipts.push(await queue.submit({ jobId: id, identity: `task-${id}`, workflow: small() }));
    }
    expect(await queue.waitingCount()).toBe(3);
    expect(await queue.lookup('task-c', receipts[2])).toEqual({ state: 'queued', position: 2 });
    expect(await queue.cancel('task-b', receipts[1])).toBe('removed');
    expect(await queue.waitingCount()).toBe(2);
    expect(await queue.lookup('task-c', receipts[2])).toEqual({ state: 'queued', position: 1 });
    expect(await queue.lookup('task-b', receipts[1])).toEqual({ state: 'absent' });
    expect(await queue.cancel('task-b', receipts[1])).toBe('not-found');
    expect(await queue.cancel('task-x')).toBe('not-found');
    expect(await queue.lookup('task-x')).toEqual({ state: 'absent' });
    // Without its receipt (a reply lost to a crash), a task is found by its task_id.
    expect(await queue.lookup('task-c')).toEqual({ state: 'queued', position: 1 });
  });

  it('cannot cancel a job a worker already runs, and says not-found', async () => {
    const sim = await simulator({ workers: 1, stepMs: 100 });
    const queue = edition(sim);
    const receipt = await queue.submit({ jobId: 'r', identity: 'task-running', workflow: small() });
    while ((await queue.lookup('task-running', receipt)).state !== 'running') {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await queue.cancel('task-running', receipt)).toBe('not-found');
    expect(sim.queue.input.length).toBe(1);
  });

  it('stops the watcher with auth-failed on a wrong token, and a submit says so without the token', async () => {
    const sim = await simulator({ workers: 0 });
    const queue = edition(sim, { token: 'wrong-token-abcdef' });
    const authFailed = new Promise<EditionEvent>((resolve) =>
      queue.onEvent((event) => {
        if (event.type === 'connection' && event.state.state === 'auth-failed') resolve(event);
      }),
    );
    queue.start(() => Promise.resolve());
    await authFailed;
    const failure = await queue
      .submit({ jobId: 'x', identity: 'task-x', workflow: small() })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthError);
    expect((failure as Error).message).not.toContain('wrong-token-abcdef');
  });

  it('downloads an output of its result from the OSS mount through the image source it was given', async () => {
    const sim = await simulator();
    const images = new OssImageSource({
      storagePath: `oss://${sim.info.oss.bucket}/${sim.info.oss.prefix}/`,
      endpoint: sim.info.oss.endpoint,
      region: sim.info.oss.region,
      accessKeyId: sim.info.oss.accessKeyId,
      accessKeySecret: sim.info.oss.accessKeySecret,
    });
    cleanups.push(() => images.close());
    const queue = edition(sim, { images });
    const results = collector();
    queue.start(results.handler);
    const arrived = results.next();
    await queue.submit({ jobId: 'job-d', identity: 'task-download', workflow: small() });
    const [file] = (await arrived).outputs;
    if (!file) throw new Error('the result has no output file');
    const dir = await mkdtemp(join(tmpdir(), 'queue-edition-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const destination = join(dir, 'out.png');
    await queue.download(file, destination);
    const bytes = await readFile(destination);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('says what to set up when no OSS output location was given', async () => {
    const sim = await simulator({ workers: 0 });
    const file: EditionOutputFile = { node: '9', kind: 'images', filename: 'a.png', subfolder: '', type: 'output' };
    await expect(edition(sim).download(file, join(tmpdir(), 'never.png'))).rejects.toThrow(NotFoundError);
  });
});
