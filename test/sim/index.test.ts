// The simulator as a whole, as tests, the demo and `npm run sim` start it.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createInterface } from 'node:readline';
import { readFile } from 'node:fs/promises';
import OSS from 'ali-oss';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { startSimulator, simulatorInfoSchema, type Simulator } from './index';
import { TestQueueClient, text } from './eas/test-client';

/** Ports the OS reports free right now (the listeners are closed again before use). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<Server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
    }),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

let simulator: Simulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

describe('startSimulator', () => {
  it('describes every server in SimulatorInfo, on loopback', async () => {
    simulator = await startSimulator({ service: 'painter' });
    const { info } = simulator;
    expect(simulatorInfoSchema.parse(info)).toEqual(info);
    expect(Object.keys(info)).toEqual(['exclusive', 'queue', 'oss', 'control']);
    expect(Object.keys(info.control)).toEqual(['endpoint', 'region', 'accessKeyId', 'accessKeySecret', 'services']);
    expect(info.control.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(info.control.services).toEqual({ queue: 'painter', exclusive: 'artlab_sim_comfyui' });
    expect(Object.keys(info.queue)).toEqual(['url', 'token', 'endpoint', 'service']);
    expect(Object.keys(info.oss)).toEqual(['endpoint', 'region', 'bucket', 'prefix', 'accessKeyId', 'accessKeySecret']);
    expect(info.queue.url).toBe(`http://${info.queue.endpoint}/api/predict/painter`);
    expect(info.queue.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(info.queue.service).toBe('painter/sink');
    expect(info.oss.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.exclusive.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('listens on the ports it is given', async () => {
    const [exclusivePort, queuePort, ossPort, controlPort] = await freePorts(4);
    simulator = await startSimulator({ exclusivePort, queuePort, ossPort, controlPort });
    expect(simulator.info.control.endpoint).toBe(`127.0.0.1:${controlPort}`);
    expect(simulator.info.exclusive.url).toBe(`http://127.0.0.1:${exclusivePort}/`);
    expect(simulator.info.queue.endpoint).toBe(`127.0.0.1:${queuePort}`);
    expect(simulator.info.oss.endpoint).toBe(`http://127.0.0.1:${ossPort}`);
  });

  it('serves the Exclusive edition with its token, writing into the same bucket', async () => {
    simulator = await startSimulator();
    const { info } = simulator;
    const workflow = JSON.parse(await readFile('main/comfy/starter-workflow.json', 'utf8')) as unknown;
    const denied = await fetch(`${info.exclusive.url}prompt`, { method: 'POST', body: '{}' });
    expect(denied.status).toBe(401);
    const res = await fetch(`${info.exclusive.url}prompt`, {
      method: 'POST',
      headers: { Authorization: info.exclusive.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: workflow }),
    });
    expect(res.status).toBe(200);
    const { prompt_id: promptId } = (await res.json()) as { prompt_id: string };
    expect(promptId).toBeTruthy();
    await simulator.exclusive.queue.idle();
    const keys = simulator.oss.list({ prefix: `${info.oss.prefix}/output/` }).contents.map((object) => object.key);
    expect(keys).toHaveLength(1);
  });

  it('turns an api_prompt of the starter workflow into a sink frame and a PNG readable with ali-oss', async () => {
    simulator = await startSimulator();
    const { info } = simulator;
    const input = new TestQueueClient(info.queue.url, info.queue.token);
    const body = await readFile('main/comfy/starter-workflow.json', 'utf8');
    expect((await input.request('POST', { task_id: 'first' }, body, '/api_prompt')).status).toBe(200);
    const sink = new TestQueueClient(
      `http://${info.queue.endpoint}/api/predict/${info.queue.service}`,
      info.queue.token,
    );
    const watch = sink.watch({ _index_: '0', _window_: '10' });
    const frame = await watch.next();
    expect(frame?.tags.task_id).toBe('first');
    const data = JSON.parse(text(frame)) as [unknown, Record<string, { images: { filename: string }[] }>];
    const filename = data[1]['9']?.images[0]?.filename ?? '';
    expect(await sink.commit([Number(frame?.index)])).toBe('200 OK');
    await watch.close();

    const oss = new OSS({
      endpoint: info.oss.endpoint,
      region: info.oss.region,
      bucket: info.oss.bucket,
      accessKeyId: info.oss.accessKeyId,
      accessKeySecret: info.oss.accessKeySecret,
    });
    const object = await oss.get(`${info.oss.prefix}/output/${filename}`);
    const bytes = object.content as unknown;
    expect(Buffer.isBuffer(bytes) && bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(simulator.oss.head(`${info.oss.prefix}/output/${filename}`)?.contentType).toBe('image/png');
  });

  it('stops and starts the API-edition service: 503 meanwhile, queued jobs done after', async () => {
    simulator = await startSimulator({ stepMs: 0 });
    const { info, queue } = simulator;
    const input = new TestQueueClient(info.queue.url, info.queue.token);
    await queue.stop();
    const refused = await input.request('GET', { _attrs_: 'true' });
    expect(refused.status).toBe(503);
    queue.input.put(Buffer.from(await readFile('main/comfy/starter-workflow.json')), { task_id: 'queued' });
    expect(queue.stats().jobs.running).toBe(0);
    queue.start();
    await queue.whenIdle();
    expect(queue.stats()).toMatchObject({
      running: true,
      input: { length: 0 },
      sink: { length: 1 },
      jobs: { completed: 1 },
    });
  });

  it('restarts every server on the restartEverySec interval', async () => {
    simulator = await startSimulator({ restartEverySec: 0.2, restartDownMs: 50 });
    const { info } = simulator;
    const watch = new TestQueueClient(`${info.queue.url}/sink`, info.queue.token).watch({ _index_: '0' });
    await watch.opened;
    await watch.closed;
    await simulator.queue.server.whenListening();
    const again = new TestQueueClient(`${info.queue.url}/sink`, info.queue.token).watch({ _index_: '0' });
    await again.opened;
    await again.close();
  });
});

describe('npm run sim', () => {
  it('prints exactly one JSON line of SimulatorInfo, serves, and exits 0 on SIGTERM', async () => {
    // `npx tsx` runs this binary; spawned through npx, npm itself dies of the signal and hides the CLI's exit code.
    const child = spawn('node_modules/.bin/tsx', ['test/sim/cli.ts', '--port', '0', '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const lines: string[] = [];
    const reader = createInterface({ input: child.stdout });
    const firstLine = new Promise<string>((resolve) => {
      reader.on('line', (line) => {
        lines.push(line);
        resolve(line);
      });
    });
    const info = simulatorInfoSchema.parse(JSON.parse(await firstLine));
    const res = await fetch(`${info.queue.url}?_attrs_=true`, { headers: { Authorization: info.queue.token } });
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines).toHaveLength(1);
  });

  it('--help documents `npm run -s sim -- --json`, since npm writes its banner to stdout without -s', async () => {
    const child = spawn('node_modules/.bin/tsx', ['test/sim/cli.ts', '--help'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(0);
    const help = Buffer.concat(chunks).toString('utf8');
    expect(help).toContain('npm run -s sim -- --json');
    expect(help).toContain('--port P');
  });
});
