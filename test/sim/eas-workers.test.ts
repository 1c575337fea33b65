// The API edition's workers behind the simulated queue: a workflow submitted with api_prompt comes back on the sink in
// the documented format (reference/artlab-api-edition.md), with its images in the OSS mount.
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultInjector, defaultFaults, type FaultOptions } from './faults';
import { EasQueueServer } from './eas/server';
import { TestQueueClient, text } from './eas/test-client';
import { WorkerPool, type OutputStore } from './eas/workers';

const token = 'worker-token-123456';

class MemoryStore implements OutputStore {
  readonly objects = new Map<string, { bytes: Buffer; contentType: string | undefined }>();
  put(key: string, bytes: Buffer, contentType?: string): void {
    this.objects.set(key, { bytes, contentType });
  }
  get(key: string): { bytes: Buffer } | undefined {
    return this.objects.get(key);
  }
}

let server: EasQueueServer;
let pool: WorkerPool;
let store: MemoryStore;

async function start(faults: Partial<FaultOptions> = {}, redeliveryGraceMs = 50): Promise<TestQueueClient> {
  const injector = new FaultInjector({ ...defaultFaults, ...faults });
  server = await EasQueueServer.start({ token, service: 'comfy', redeliveryGraceMs });
  store = new MemoryStore();
  pool = new WorkerPool({
    input: server.input,
    sink: server.sink,
    store,
    prefix: 'data-xyz/',
    workers: faults.workers ?? 2,
    faults: injector,
  });
  pool.start();
  return new TestQueueClient(server.url, token, { uid: 'app' });
}

afterEach(async () => {
  await pool.close();
  await server.close();
});

async function submit(client: TestQueueClient, taskId: string, body: string): Promise<Response> {
  return client.request('POST', { task_id: taskId }, body, '/api_prompt');
}

const starter = (): Promise<string> => readFile('main/comfy/starter-workflow.json', 'utf8');

describe('API-edition workers', () => {
  it('runs an api_prompt of the starter workflow and puts the documented result on the sink', async () => {
    const client = await start();
    const res = await submit(client, 'task-42', await starter());
    expect(res.status).toBe(200);
    const requestId = res.headers.get('X-Eas-Queueservice-Request-Id');
    const watch = new TestQueueClient(`${server.url}/sink`, token, { uid: 'app' }).watch({
      _index_: '0',
      _window_: '5',
    });
    const frame = await watch.next();
    expect(frame?.tags).toEqual({ task_id: 'task-42', requestId });
    const data = JSON.parse(text(frame)) as unknown[];
    expect(data).toHaveLength(2);
    const [executed, outputs] = data as [
      { type: string; data: { node: string; prompt_id: string; output: { images: { filename: string }[] } } },
      Record<string, { images: { filename: string; subfolder: string; type: string }[] }>,
    ];
    expect(executed.type).toBe('executed');
    expect(executed.data.node).toBe('9');
    expect(executed.data.prompt_id).toMatch(/^[0-9a-f-]{36}$/);
    const [image] = outputs['9']?.images ?? [];
    expect(executed.data.output.images).toEqual(outputs['9']?.images);
    expect(image?.filename).toMatch(/^ComfyUI_\d{10}_[0-9a-f-]{36}_\.png$/);
    expect(image).toMatchObject({ subfolder: '', type: 'output' });
    const stored = store.objects.get(`data-xyz/output/${image?.filename}`);
    expect(stored?.contentType).toBe('image/png');
    expect(stored?.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    await pool.whenIdle();
    expect(server.input.length).toBe(0);
    expect(pool.stats).toMatchObject({ completed: 1, failed: 0, crashed: 0 });
    await watch.close();
  });

  it('puts a subfolder of filename_prefix into the output key', async () => {
    const client = await start();
    const workflow = JSON.parse(await starter()) as Record<string, { inputs: Record<string, unknown> }>;
    const save = workflow['9'];
    if (save) save.inputs.filename_prefix = 'portraits/ComfyUI';
    await submit(client, 'sub', JSON.stringify(workflow));
    await pool.whenIdle();
    const keys = [...store.objects.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^data-xyz\/output\/portraits\/ComfyUI_\d+_[0-9a-f-]+_\.png$/);
  });

  it("reads a LoadImage input from the mount's input folder, and fails a name it does not hold", async () => {
    const client = await start();
    const invert = (name: string): string =>
      JSON.stringify({
        '1': { class_type: 'LoadImage', inputs: { image: name } },
        '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
        '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'inv' } },
      });
    store.put('data-xyz/input/a.png', Buffer.from('first picture'));
    store.put('data-xyz/input/b.png', Buffer.from('second picture'));
    await submit(client, 'a', invert('a.png'));
    await submit(client, 'b', invert('b.png'));
    await submit(client, 'missing', invert('never-uploaded.png'));
    await pool.whenIdle();
    const outputs = [...store.objects.entries()].filter(([key]) => key.startsWith('data-xyz/output/'));
    expect(outputs).toHaveLength(2);
    // Two inputs of different content make two different pictures.
    expect(outputs[0]?.[1].bytes.equals(outputs[1]?.[1].bytes ?? Buffer.alloc(0))).toBe(false);
    const frames = await new TestQueueClient(`${server.url}/sink`, token).get({ _index_: '0', _length_: '3' });
    const failed = frames.find((frame) => frame.tags.task_id === 'missing');
    const [error] = JSON.parse(text(failed)) as [{ type: string; data: Record<string, unknown> }];
    expect(error.type).toBe('execution_error');
    expect(error.data.exception_message).toContain('Invalid image file: never-uploaded.png');
  });

  it('answers a workflow that fails validation with an execution_error naming the node', async () => {
    const client = await start();
    const workflow = JSON.parse(await starter()) as Record<string, { inputs: Record<string, unknown> }>;
    const sampler = workflow['3'];
    if (sampler) sampler.inputs.steps = 'many';
    await submit(client, 'bad', JSON.stringify(workflow));
    await pool.whenIdle();
    const [frame] = await new TestQueueClient(`${server.url}/sink`, token).get({ _index_: '0' });
    expect(frame?.tags.task_id).toBe('bad');
    const [error] = JSON.parse(text(frame)) as [{ type: string; data: Record<string, unknown> }];
    expect(error.type).toBe('execution_error');
    expect(error.data.node_id).toBe('3');
    expect(error.data.node_type).toBe('KSampler');
    expect(String(error.data.exception_message)).toMatch(/steps/);
    expect(pool.stats.failed).toBe(1);
    expect(store.objects.size).toBe(0);
  });

  it('answers an input item that is not JSON with an execution_error', async () => {
    const client = await start();
    await client.put('garbage', { task_id: 'raw' });
    await pool.whenIdle();
    const [frame] = await new TestQueueClient(`${server.url}/sink`, token).get({ _index_: '0' });
    const [error] = JSON.parse(text(frame)) as [{ type: string; data: { exception_message: string } }];
    expect(error.type).toBe('execution_error');
    expect(error.data.exception_message).toMatch(/not JSON/);
  });

  it('redelivers the job of a crashed worker to another worker and completes it once', async () => {
    const client = await start({ workerCrashRate: 1, workers: 2 });
    await submit(client, 'crashy', await starter());
    await pool.whenIdle();
    expect(pool.stats).toMatchObject({ crashed: 1, completed: 1 });
    const frames = await new TestQueueClient(`${server.url}/sink`, token).get({ _index_: '0', _length_: '10' });
    expect(frames.map((frame) => frame.tags.task_id)).toEqual(['crashy']);
    expect(server.input.deliveries).toBe(2);
    expect(server.input.length).toBe(0);
  });

  it('shares a batch between its workers and answers every task once', async () => {
    const client = await start({ workers: 3 });
    const body = await starter();
    for (let i = 0; i < 6; i += 1) await submit(client, `batch-${i}`, body);
    await pool.whenIdle();
    const frames = await new TestQueueClient(`${server.url}/sink`, token).get({ _index_: '0', _length_: '10' });
    expect(frames.map((frame) => frame.tags.task_id).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `batch-${i}`));
    expect(store.objects.size).toBe(6);
  });

  it('answers every task exactly once when half the jobs crash their worker', async () => {
    const client = await start({ workerCrashRate: 0.5, workers: 2, seed: 7 });
    const body = await starter();
    for (let i = 0; i < 8; i += 1) await submit(client, `t${i}`, body);
    await pool.whenIdle();
    const frames = await new TestQueueClient(`${server.url}/sink`, token).get({ _index_: '0', _length_: '20' });
    expect(frames.map((frame) => frame.tags.task_id).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `t${i}`));
    expect(pool.stats.crashed).toBeGreaterThan(0);
    expect(pool.stats.completed).toBe(8);
  });

  it('redoes a job that was running when the service stopped, once it starts again', async () => {
    const client = await start({ stepMs: 20, workers: 1 });
    await submit(client, 'interrupted', await starter());
    // The put hands the item to the idle worker at once; with 20 ms per step it is still running now.
    expect(server.input.pendingCount()).toBe(1);
    expect(pool.stats.running).toBe(1);
    await pool.stop();
    expect(server.sink.length).toBe(0);
    pool.start();
    await pool.whenIdle();
    const frames = await new TestQueueClient(`${server.url}/sink`, token).get({ _index_: '0', _length_: '5' });
    expect(frames.map((frame) => frame.tags.task_id)).toEqual(['interrupted']);
  });
});
