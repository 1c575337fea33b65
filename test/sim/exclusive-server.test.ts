import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiPrompt } from './comfy/engine-types';
import { decodePng } from './comfy/png';
import { defaultFaults, FaultInjector } from './faults';
import { ObjectStore } from './oss/object-store';
import { startExclusiveServer, type ExclusiveServer } from './exclusive/server';

const TOKEN = 'eas-token-123';
const starter = JSON.parse(readFileSync('main/comfy/starter-workflow.json', 'utf8')) as ApiPrompt;

function workflow(steps = 2, patch: (p: ApiPrompt) => void = () => undefined): ApiPrompt {
  const prompt = structuredClone(starter);
  if (prompt['3']) prompt['3'].inputs.steps = steps;
  if (prompt['5']) prompt['5'].inputs = { width: 64, height: 64, batch_size: 1 };
  patch(prompt);
  return prompt;
}

interface Frame {
  type: string;
  data: Record<string, unknown>;
}

/** A /ws client that records every text frame and lets a test await the first one matching a predicate. */
class WsRecorder {
  readonly frames: Frame[] = [];
  readonly binary: Buffer[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw: Buffer, isBinary: boolean) => {
      if (isBinary) {
        this.binary.push(raw);
        return;
      }
      const frame = JSON.parse(raw.toString('utf8')) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(
    server: ExclusiveServer,
    clientId: string,
    headers: Record<string, string> = { Authorization: TOKEN },
  ): Promise<WsRecorder> {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}ws?clientId=${clientId}`, { headers });
    const recorder = new WsRecorder(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(recorder));
      socket.once('error', reject);
    });
  }

  next(match: (f: Frame) => boolean): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  done(promptId: string): Promise<Frame> {
    return this.next((f) => f.type === 'executing' && f.data.node === null && f.data.prompt_id === promptId);
  }
}

let store: ObjectStore;
let server: ExclusiveServer;
const sockets: WsRecorder[] = [];

async function open(clientId: string, headers?: Record<string, string>): Promise<WsRecorder> {
  const recorder = await WsRecorder.open(server, clientId, headers);
  sockets.push(recorder);
  return recorder;
}

function call(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, server.url), { ...init, headers: { Authorization: TOKEN, ...(init.headers ?? {}) } });
}

async function post(path: string, body: unknown): Promise<Response> {
  return call(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function submit(body: Record<string, unknown>): Promise<{ prompt_id: string; number: number }> {
  const res = await post('prompt', body);
  expect(res.status).toBe(200);
  return (await res.json()) as { prompt_id: string; number: number };
}

beforeEach(async () => {
  store = new ObjectStore();
  server = await startExclusiveServer({ token: TOKEN, stepMs: 0, store, mountPrefix: 'data-xyz' });
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.socket.terminate();
  await server.close();
});

describe('Exclusive server: a prompt from submit to image', () => {
  it('runs the starter workflow, reports it on /ws, records /history and serves the PNG by /view', async () => {
    const ws = await open('client-a');
    const prompt = workflow(3);
    const { prompt_id } = await submit({
      prompt,
      client_id: 'client-a',
      extra_data: { extra_pnginfo: { workflow: { v: 1 } } },
    });
    await ws.done(prompt_id);

    const types = ws.frames.map((f) => f.type).filter((t) => t !== 'progress_state');
    expect(types[0]).toBe('status');
    expect(ws.frames[0]?.data.sid).toBe('client-a');
    expect(types.slice(-3)).toEqual(['execution_success', 'status', 'executing']);
    expect(types).toContain('execution_start');
    expect(ws.frames.filter((f) => f.type === 'progress').map((f) => f.data.value)).toEqual([1, 2, 3]);

    const history = (await (await call(`history/${prompt_id}`)).json()) as Record<string, Record<string, unknown>>;
    const entry = history[prompt_id];
    expect(entry?.status).toMatchObject({ status_str: 'success', completed: true });
    expect(entry?.prompt).toEqual([
      0,
      prompt_id,
      prompt,
      { extra_pnginfo: { workflow: { v: 1 } }, client_id: 'client-a' },
      ['9'],
    ]);
    const image = { filename: 'ComfyUI_00001_.png', subfolder: '', type: 'output' };
    expect(entry?.outputs).toEqual({ '9': { images: [image] } });

    const view = await call('view?filename=ComfyUI_00001_.png&subfolder=&type=output');
    expect(view.status).toBe(200);
    expect(view.headers.get('content-type')).toBe('image/png');
    expect(view.headers.get('etag')).toBeTruthy();
    const png = decodePng(Buffer.from(await view.arrayBuffer()));
    expect([png.width, png.height]).toEqual([64, 64]);
    expect(JSON.parse(png.text.prompt ?? '')).toEqual(prompt);
    expect(JSON.parse(png.text.workflow ?? '')).toEqual({ v: 1 });
    expect(store.head('data-xyz/output/ComfyUI_00001_.png')?.contentType).toBe('image/png');
    const head = await call('view?filename=ComfyUI_00001_.png', { headers: { Range: 'bytes=0-7' } });
    expect([head.status, Buffer.from(await head.arrayBuffer()).toString('latin1', 1, 4)]).toEqual([206, 'PNG']);
  });

  it('honours a client-chosen prompt_id and counts file names per prefix', async () => {
    const ws = await open('c');
    await submit({ prompt: workflow(), client_id: 'c', prompt_id: 'mine-1' });
    await submit({
      prompt: workflow(1, (p) => p['9'] && (p['9'].inputs.filename_prefix = 'batch/cat')),
      client_id: 'c',
      prompt_id: 'mine-2',
    });
    await submit({
      prompt: workflow(2, (p) => p['3'] && (p['3'].inputs.seed = 7)),
      client_id: 'c',
      prompt_id: 'mine-3',
    });
    await ws.done('mine-3');
    const history = (await (await call('api/history')).json()) as Record<
      string,
      { outputs: Record<string, { images: unknown[] }> }
    >;
    expect(Object.keys(history)).toEqual(['mine-1', 'mine-2', 'mine-3']);
    expect(history['mine-2']?.outputs['9']?.images).toEqual([
      { filename: 'cat_00001_.png', subfolder: 'batch', type: 'output' },
    ]);
    expect(history['mine-3']?.outputs['9']?.images).toEqual([
      { filename: 'ComfyUI_00002_.png', subfolder: '', type: 'output' },
    ]);
    expect((await call('view?filename=cat_00001_.png&subfolder=batch')).status).toBe(200);
    const recent = (await (await call('history?max_items=1')).json()) as Record<string, unknown>;
    expect(Object.keys(recent)).toEqual(['mine-3']);
  });

  it('runs a hundred queued prompts one at a time, in submission order', async () => {
    const ws = await open('many');
    const ids: string[] = [];
    for (let i = 0; i < 100; i += 1) {
      const prompt = workflow(1, (p) => p['3'] && (p['3'].inputs.seed = i));
      ids.push((await submit({ prompt, client_id: 'many' })).prompt_id);
    }
    await ws.done(ids[99] ?? '');
    const starts = ws.frames.filter((f) => f.type === 'execution_start').map((f) => f.data.prompt_id);
    expect(starts).toEqual(ids);
    const history = (await (await call('history')).json()) as Record<string, unknown>;
    expect(Object.keys(history)).toEqual(ids);
  });

  it('reuses cached nodes like ComfyUI: an identical re-run saves no new file and repeats the old names', async () => {
    const ws = await open('cache');
    const first = await submit({ prompt: workflow(), client_id: 'cache' });
    await ws.done(first.prompt_id);
    const again = await submit({ prompt: workflow(), client_id: 'cache' });
    await ws.done(again.prompt_id);
    const cached = ws.frames.filter((f) => f.data.prompt_id === again.prompt_id);
    expect(cached.find((f) => f.type === 'execution_cached')?.data.nodes).toEqual(['3', '4', '5', '6', '7', '8', '9']);
    expect(cached.filter((f) => f.type === 'executing').map((f) => f.data.node)).toEqual([null]);
    const history = (await (await call(`history/${again.prompt_id}`)).json()) as Record<string, { outputs: unknown }>;
    expect(history[again.prompt_id]?.outputs).toEqual({
      '9': { images: [{ filename: 'ComfyUI_00001_.png', subfolder: '', type: 'output' }] },
    });
    expect(store.list({ prefix: 'data-xyz/output/' }).keyCount).toBe(1);
  });

  it('runs a re-posted prompt id again and overwrites its history entry', async () => {
    const ws = await open('again');
    await submit({ prompt: workflow(), client_id: 'again', prompt_id: 'same' });
    await ws.done('same');
    ws.frames.length = 0;
    await submit({
      prompt: workflow(1, (p) => p['9'] && (p['9'].inputs.filename_prefix = 'retry')),
      client_id: 'again',
      prompt_id: 'same',
    });
    await ws.done('same');
    const history = (await (await call('history/same')).json()) as Record<
      string,
      { outputs: Record<string, { images: { filename: string }[] }> }
    >;
    expect(history.same?.outputs['9']?.images[0]?.filename).toBe('retry_00001_.png');
  });

  it('sends every frame of a run, progress and progress_state included, only to the submitting client', async () => {
    const submitter = await open('submitter');
    const watcher = await open('watcher');
    const { prompt_id } = await submit({ prompt: workflow(), client_id: 'submitter' });
    await submitter.done(prompt_id);
    expect(submitter.frames.some((f) => f.type === 'progress' && f.data.prompt_id === prompt_id)).toBe(true);
    // frames leave in order: once the watcher's own prompt is done, a frame of the first would have arrived
    const own = await submit({ prompt: workflow(), client_id: 'watcher' });
    await watcher.done(own.prompt_id);
    expect(watcher.frames.filter((f) => f.data.prompt_id === prompt_id)).toEqual([]);
  });

  it("answers a client that announces its feature flags with the server's", async () => {
    const ws = await open('flags');
    ws.socket.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
    const reply = await ws.next((f) => f.type === 'feature_flags');
    expect(reply.data).toMatchObject({ supports_preview_metadata: true });
  });

  it('sends binary preview frames after sampler steps when previews are on, with metadata once asked for', async () => {
    await server.close();
    server = await startExclusiveServer({ token: TOKEN, stepMs: 0, store, mountPrefix: 'data-xyz', previews: true });
    const plain = await open('plain');
    const { prompt_id: first } = await submit({ prompt: workflow(2), client_id: 'plain' });
    await plain.done(first);
    expect(plain.binary.map((frame) => [frame.readUInt32BE(0), frame.readUInt32BE(4)])).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(decodePng(plain.binary[0]?.subarray(8) ?? Buffer.alloc(0)).width).toBe(64);

    const rich = await open('rich');
    rich.socket.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
    await rich.next((f) => f.type === 'feature_flags');
    const { prompt_id: second } = await submit({
      prompt: workflow(1, (p) => p['3'] && (p['3'].inputs.seed = 5)),
      client_id: 'rich',
    });
    await rich.done(second);
    const frame = rich.binary[0] ?? Buffer.alloc(8);
    const length = frame.readUInt32BE(4);
    expect(frame.readUInt32BE(0)).toBe(4);
    expect(JSON.parse(frame.toString('utf8', 8, 8 + length))).toMatchObject({ node_id: '3', prompt_id: second });
  });

  it('answers GET /prompt, /queue, /system_stats, /features and /object_info, also under /api/', async () => {
    expect(await (await call('prompt')).json()).toEqual({ exec_info: { queue_remaining: 0 } });
    expect(await (await call('api/queue')).json()).toEqual({ queue_running: [], queue_pending: [] });
    expect(await (await call('system_stats')).json()).toMatchObject({
      system: { comfyui_version: '0.3.65' },
      devices: [{ type: 'cuda' }],
    });
    expect(await (await call('api/features')).json()).toMatchObject({ supports_preview_metadata: true });
    expect(Object.keys((await (await call('object_info/KSampler')).json()) as object)).toEqual(['KSampler']);
    expect(await (await call('object_info/Nope')).json()).toEqual({});
  });
});

describe('Exclusive server: errors as ComfyUI sends them', () => {
  it('rejects an invalid workflow with the 400 JSON shape, and still counts its number', async () => {
    const res = await post('prompt', { prompt: workflow(2, (p) => delete p['3']?.inputs.seed) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string }; node_errors: Record<string, unknown> };
    expect(body.error.type).toBe('prompt_outputs_failed_validation');
    expect(body.node_errors['3']).toMatchObject({
      class_type: 'KSampler',
      errors: [{ type: 'required_input_missing' }],
    });

    const unknown = await post('prompt', { prompt: { '1': { class_type: 'Nope', inputs: {} } } });
    expect(await unknown.json()).toMatchObject({ error: { type: 'invalid_prompt' }, node_errors: {} });
    const none = await post('prompt', { client_id: 'x' });
    expect([none.status, await none.json()]).toEqual([
      400,
      { error: expect.objectContaining({ type: 'no_prompt' }) as unknown, node_errors: {} },
    ]);
    expect((await submit({ prompt: workflow() })).number).toBe(3);
  });

  it('answers malformed JSON and a non-object prompt with 500 text/plain', async () => {
    for (const body of ['{"prompt": ', JSON.stringify({ prompt: [1, 2] }), JSON.stringify({ prompt: 'text' })]) {
      const res = await post('prompt', body);
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    }
  });

  it('refuses a wrong or missing token with 401, on HTTP and on the websocket', async () => {
    expect((await fetch(new URL('queue', server.url), { headers: { Authorization: 'wrong' } })).status).toBe(401);
    expect((await fetch(new URL('queue', server.url))).status).toBe(401);
    await expect(WsRecorder.open(server, 'x', { Authorization: 'wrong' })).rejects.toThrow(/401/);
  });

  it('refuses a foreign Origin with 403 and an empty body, and accepts its own', async () => {
    const foreign = await call('queue', { headers: { Origin: 'http://evil.example' } });
    expect([foreign.status, await foreign.text()]).toEqual([403, '']);
    expect((await call('queue', { headers: { Origin: server.url.slice(0, -1) } })).status).toBe(200);
    await expect(WsRecorder.open(server, 'x', { Authorization: TOKEN, Origin: 'http://evil.example' })).rejects.toThrow(
      /403/,
    );
  });

  it('answers /view with 400 for ".." and 404 with an empty body for a missing file', async () => {
    expect((await call('view?filename=../secret.png')).status).toBe(400);
    const missing = await call('view?filename=nope.png&type=output');
    expect([missing.status, await missing.text()]).toEqual([404, '']);
  });

  it('reports an execution error in history and on /ws', async () => {
    const ws = await open('e');
    const { prompt_id } = await submit({
      prompt: workflow(2, (p) => p['6'] && (p['6'].inputs.text = '__fail__')),
      client_id: 'e',
    });
    await ws.done(prompt_id);
    expect(ws.frames.find((f) => f.type === 'execution_error')?.data).toMatchObject({ node_id: '6', prompt_id });
    const history = (await (await call(`history/${prompt_id}`)).json()) as Record<string, { status: unknown }>;
    expect(history[prompt_id]?.status).toMatchObject({ status_str: 'error', completed: false });
  });
});

describe('Exclusive server: queue control', () => {
  it('interrupts the running prompt between sampler steps', async () => {
    server.queue.stepMs = 20;
    const ws = await open('i');
    const { prompt_id } = await submit({ prompt: workflow(500), client_id: 'i' });
    await ws.next((f) => f.type === 'progress' && f.data.value === 1);
    expect((await post('interrupt', { prompt_id: 'someone-else' })).status).toBe(200);
    expect((await post('interrupt', '')).status).toBe(200);
    await ws.done(prompt_id);
    expect(ws.frames.find((f) => f.type === 'execution_interrupted')?.data).toMatchObject({ node_id: '3', prompt_id });
    const history = (await (await call(`history/${prompt_id}`)).json()) as Record<string, unknown>;
    expect(history[prompt_id]).toMatchObject({ outputs: {}, status: { status_str: 'error', completed: false } });
  });

  it('deletes and clears pending prompts, runs them in number order, and puts front prompts first', async () => {
    server.queue.stepMs = 20;
    const ws = await open('q');
    const first = await submit({ prompt: workflow(500), client_id: 'q', prompt_id: 'first' });
    await ws.next((f) => f.type === 'progress');
    await submit({ prompt: workflow(), client_id: 'q', prompt_id: 'second' });
    await submit({ prompt: workflow(), client_id: 'q', prompt_id: 'third' });
    const front = await submit({ prompt: workflow(), client_id: 'q', prompt_id: 'urgent', front: true });
    expect(front.number).toBe(-3);
    const queued = (await (await call('queue')).json()) as { queue_running: unknown[][]; queue_pending: unknown[][] };
    expect(queued.queue_running.map((item) => item[1])).toEqual(['first']);
    expect(queued.queue_pending.map((item) => item[1])).toEqual(['urgent', 'second', 'third']);
    expect(await (await call('prompt')).json()).toEqual({ exec_info: { queue_remaining: 4 } });

    await post('queue', { delete: ['second', 'first'] });
    const afterDelete = (await (await call('queue')).json()) as {
      queue_running: unknown[][];
      queue_pending: unknown[][];
    };
    expect(afterDelete.queue_running.map((item) => item[1])).toEqual(['first']);
    expect(afterDelete.queue_pending.map((item) => item[1])).toEqual(['urgent', 'third']);
    await post('queue', { clear: true });
    await post('interrupt', { prompt_id: first.prompt_id });
    await server.queue.idle();
    expect(Object.keys((await (await call('history')).json()) as object)).toEqual(['first']);
    expect(await (await call('history/third')).json()).toEqual({});
  });

  it('stores an uploaded image in the input folder and renames a different file with the same name', async () => {
    const form = (bytes: string): FormData => {
      const data = new FormData();
      data.append('image', new Blob([bytes], { type: 'image/png' }), 'ref.png');
      return data;
    };
    const first = await call('upload/image', { method: 'POST', body: form('one') });
    expect(await first.json()).toEqual({ name: 'ref.png', subfolder: '', type: 'input' });
    const second = await call('api/upload/image', { method: 'POST', body: form('two') });
    expect(await second.json()).toEqual({ name: 'ref (1).png', subfolder: '', type: 'input' });
    expect(store.get('data-xyz/input/ref (1).png')?.bytes.toString()).toBe('two');
    expect((await call('view?filename=ref.png&type=input')).status).toBe(200);
  });
});

describe('Exclusive server faults', () => {
  it('closes every socket on a restart, refuses connections while down, and serves again after', async () => {
    const ws = await open('r');
    const restarting = server.simulateRestart(200);
    await ws.closed;
    await expect(fetch(new URL('prompt', server.url), { headers: { Authorization: TOKEN } })).rejects.toThrow();
    await restarting;
    expect((await call('prompt')).status).toBe(200);
  });

  it('loses the queue and the history on a restart that loses state', async () => {
    await submit({ prompt: workflow(), prompt_id: 'before' });
    await server.queue.idle();
    await server.simulateRestart(10, { loseState: true });
    expect(await (await call('history/before')).json()).toEqual({});
  });

  it('drops a websocket after the configured number of frames', async () => {
    await server.close();
    const faults = new FaultInjector({ ...defaultFaults, dropWsEvery: 3 });
    server = await startExclusiveServer({ token: TOKEN, stepMs: 0, store, mountPrefix: 'data-xyz', faults });
    const ws = await open('d');
    await submit({ prompt: workflow(), client_id: 'd' });
    await ws.closed;
    expect(ws.frames).toHaveLength(3);
  });

  it('answers 429 beyond the rate limit', async () => {
    await server.close();
    const faults = new FaultInjector({ ...defaultFaults, rateLimit: 2 });
    server = await startExclusiveServer({ token: TOKEN, stepMs: 0, store, mountPrefix: 'data-xyz', faults });
    const statuses = await Promise.all([1, 2, 3].map(() => call('prompt').then((r) => r.status)));
    expect(statuses.sort()).toEqual([200, 200, 429]);
  });
});
