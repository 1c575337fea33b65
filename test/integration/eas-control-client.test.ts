// The app's EAS control client (Alibaba Cloud's OpenAPI core underneath) against the simulator's control API: the
// signature is checked for real, and start, stop and scale move the simulated services' data planes with them.
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { AuthError, NetworkError, TimeoutError } from '../../main/errors';
import { ControlApiError } from '../../main/lifecycle/control-errors';
import type { ControlTarget } from '../../main/lifecycle/control-target';
import { EasControlClient, type ControlCredentials } from '../../main/lifecycle/eas-control-client';
import { loadOpenApiSdk } from '../../main/lifecycle/openapi-sdk';
import type { EasServiceStatus } from '../../main/lifecycle/eas-replies';
import { startSimulator, type Simulator, type SimulatorOptions } from '../sim/index';

let simulator: Simulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

const FAST = { placementMs: 20, stopMs: 20, removalMs: 10 };

async function start(overrides: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  simulator = await startSimulator({ workers: 1, controlDelays: FAST, ...overrides });
  return simulator;
}

function clientFor(sim: Simulator, credentials: Partial<ControlCredentials> = {}): EasControlClient {
  return new EasControlClient({
    endpoint: sim.info.control.endpoint,
    protocol: 'http',
    credentials: {
      accessKeyId: sim.info.control.accessKeyId,
      accessKeySecret: sim.info.control.accessKeySecret,
      ...credentials,
    },
  });
}

function targets(sim: Simulator): { queue: ControlTarget; exclusive: ControlTarget } {
  const { region, services } = sim.info.control;
  return {
    queue: { region, serviceName: services.queue },
    exclusive: { region, serviceName: services.exclusive },
  };
}

/** Polls DescribeService until the status is `status` (as PAI's SDK waits, reference §3). */
async function settle(client: EasControlClient, target: ControlTarget, status: string): Promise<EasServiceStatus> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const described = await client.describeService(target);
    if (described.status === status) return described;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${target.serviceName} never became ${status}`);
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );
}

async function queueStatus(sim: Simulator): Promise<number> {
  const res = await fetch(`${sim.info.queue.url}?_attrs_=true`, { headers: { Authorization: sim.info.queue.token } });
  await res.arrayBuffer();
  return res.status;
}

async function exclusiveStatus(sim: Simulator): Promise<number> {
  const res = await fetch(`${sim.info.exclusive.url}system_stats`, {
    headers: { Authorization: sim.info.exclusive.token },
  });
  await res.arrayBuffer();
  return res.status;
}

describe('EasControlClient against the simulator', () => {
  it('describes a running service with its instance counts', async () => {
    const sim = await start({ workers: 2 });
    const described = await clientFor(sim).describeService(targets(sim).queue);
    expect(described).toMatchObject({
      serviceName: sim.info.control.services.queue,
      region: 'cn-shanghai',
      status: 'Running',
      runningInstances: 2,
      pendingInstances: 0,
      totalInstances: 2,
    });
  });

  it('refuses a wrong secret with our AuthError, naming the key only by its last characters', async () => {
    const sim = await start();
    const error = await caught(
      clientFor(sim, { accessKeySecret: 'not-the-secret' }).describeService(targets(sim).queue),
    );
    expect(error).toBeInstanceOf(AuthError);
    const auth = error as AuthError;
    expect(auth.code).toBe('eas-control-secret-mismatch');
    expect(auth.params).toEqual({ key: `••••${sim.info.control.accessKeyId.slice(-4)}` });
    expect(auth.message).not.toContain(sim.info.control.accessKeyId);
    expect(sim.control.calls).toEqual([]);
  });

  it('refuses an AccessKey ID the account does not know', async () => {
    const sim = await start();
    const error = await caught(clientFor(sim, { accessKeyId: 'LTAIunknown0000' }).stopService(targets(sim).queue));
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('eas-control-key-unknown');
    expect(sim.control.service(sim.info.control.services.queue)?.status).toBe('Running');
  });

  it('says a service is missing with the request id support asks for', async () => {
    const sim = await start();
    const error = await caught(clientFor(sim).describeService({ region: 'cn-shanghai', serviceName: 'no_such' }));
    expect(error).toBeInstanceOf(ControlApiError);
    const missing = error as ControlApiError;
    expect(missing.code).toBe('eas-control-service-missing');
    expect(missing.status).toBe(404);
    expect(missing.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(missing.params).toMatchObject({ service: 'no_such', region: 'cn-shanghai', requestId: missing.requestId });
  });

  it('stops the API edition: Stopping, then Stopped, its queue answering 503 meanwhile', async () => {
    const sim = await start();
    const client = clientFor(sim);
    const { queue } = targets(sim);
    expect(await queueStatus(sim)).toBe(200);
    const reply = await client.stopService(queue);
    expect(reply.message).toContain('is stopping');
    expect(reply.requestId).toBeTruthy();
    expect(await queueStatus(sim)).toBe(503);
    const stopped = await settle(client, queue, 'Stopped');
    expect(stopped).toMatchObject({ runningInstances: 0, totalInstances: 0 });
    expect(await queueStatus(sim)).toBe(503);
    expect((await client.listServiceInstances(queue)).instances).toEqual([]);
  });

  it('starts a stopped service: Waiting with instances pending, placed one by one, then Running and serving', async () => {
    const sim = await start({ workers: 2, controlDelays: { ...FAST, placementMs: 300 } });
    const client = clientFor(sim);
    const { queue } = targets(sim);
    await client.stopService(queue);
    await settle(client, queue, 'Stopped');
    await client.startService(queue);
    const waiting = await client.describeService(queue);
    expect(waiting).toMatchObject({ status: 'Waiting', totalInstances: 2 });
    expect(waiting.pendingInstances).toBeGreaterThan(0);
    expect(await queueStatus(sim)).toBe(503);
    const running = await settle(client, queue, 'Running');
    expect(running).toMatchObject({ runningInstances: 2, pendingInstances: 0, totalInstances: 2 });
    expect(await queueStatus(sim)).toBe(200);
    const events = await client.describeServiceEvents(queue);
    const placed = events.events.filter((event) => event.reason === 'InstanceRunning');
    expect(placed).toHaveLength(2);
  });

  it('stops and starts the Exclusive edition: /system_stats answers 503 until it runs again', async () => {
    const sim = await start();
    const client = clientFor(sim);
    const { exclusive } = targets(sim);
    expect(await exclusiveStatus(sim)).toBe(200);
    await client.stopService(exclusive);
    expect(await exclusiveStatus(sim)).toBe(503);
    await settle(client, exclusive, 'Stopped');
    await client.startService(exclusive);
    expect(await exclusiveStatus(sim)).toBe(503);
    await settle(client, exclusive, 'Running');
    expect(await exclusiveStatus(sim)).toBe(200);
  });

  it('scales 1 → 3 → 1, the Queue-role instance listed beside the workers throughout', async () => {
    const sim = await start();
    const client = clientFor(sim);
    const { queue } = targets(sim);
    const workers = async () =>
      (await client.listServiceInstances(queue)).instances.filter((i) => i.role === 'Standard');
    const queueRole = async () =>
      (await client.listServiceInstances(queue)).instances.filter((i) => i.role === 'Queue');
    expect(await workers()).toHaveLength(1);
    expect(await queueRole()).toHaveLength(1);
    expect((await client.scaleService(queue, 3)).message).toContain('is scaling');
    expect((await client.describeService(queue)).status).toBe('Scaling');
    await settle(client, queue, 'Running');
    const three = await workers();
    expect(three).toHaveLength(3);
    expect(three.every((instance) => instance.status === 'Running' && instance.startTime !== undefined)).toBe(true);
    // The data plane follows: three ComfyUI workers take jobs from the queue.
    expect(sim.queue.workers.size).toBe(3);
    await client.scaleService(queue, 1);
    expect(await settle(client, queue, 'Running')).toMatchObject({ runningInstances: 1, totalInstances: 1 });
    expect(await workers()).toHaveLength(1);
    expect(await queueRole()).toHaveLength(1);
    expect(sim.queue.workers.size).toBe(1);
    expect(await queueStatus(sim)).toBe(200);
  });

  it("scales through UpdateService too, when only metadata.instance changes (the older SDKs' way)", async () => {
    const sim = await start();
    const { control } = sim.info;
    const sdk = await loadOpenApiSdk();
    const raw = new sdk.Client(
      new sdk.util.Config({
        accessKeyId: control.accessKeyId,
        accessKeySecret: control.accessKeySecret,
        endpoint: control.endpoint,
        protocol: 'http',
      }),
    );
    await raw.callApi(
      new sdk.util.Params({
        action: 'UpdateService',
        version: '2021-07-01',
        protocol: 'http',
        pathname: `/api/v2/services/${control.region}/${control.services.queue}`,
        method: 'PUT',
        authType: 'AK',
        style: 'ROA',
        reqBodyType: 'json',
        bodyType: 'json',
      }),
      new sdk.util.OpenApiRequest({ body: { metadata: { instance: 2 } } }),
      new sdk.RuntimeOptions({ readTimeout: 5000, connectTimeout: 5000 }),
    );
    expect(await settle(clientFor(sim), targets(sim).queue, 'Running')).toMatchObject({ totalInstances: 2 });
    expect(sim.queue.workers.size).toBe(2);
  });

  it('refuses to scale a stopped service with a coded refusal', async () => {
    const sim = await start();
    const client = clientFor(sim);
    const { queue } = targets(sim);
    await client.stopService(queue);
    await settle(client, queue, 'Stopped');
    const error = await caught(client.scaleService(queue, 2));
    expect(error).toBeInstanceOf(ControlApiError);
    expect((error as ControlApiError).code).toBe('eas-control-refused');
    expect((error as ControlApiError).status).toBe(400);
  });
});

describe('EasControlClient when the control API does not answer', () => {
  it('gives up after its read timeout with a TimeoutError', async () => {
    // Accepts connections and never answers.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    silent.on('connection', (socket) => onTestFinished(() => void socket.destroy()));
    const endpoint = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const client = new EasControlClient({
      endpoint,
      protocol: 'http',
      credentials: { accessKeyId: 'LTAIx', accessKeySecret: 'secret' },
      readTimeoutMs: 200,
    });
    const error = await caught(client.describeService({ region: 'cn-shanghai', serviceName: 'x' }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('eas-control-timed-out');
  });

  it('says the endpoint cannot be reached when nothing listens there', async () => {
    const closed: Server = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const endpoint = `127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new EasControlClient({
      endpoint,
      protocol: 'http',
      credentials: { accessKeyId: 'LTAIx', accessKeySecret: 'secret' },
    });
    const error = await caught(client.startService({ region: 'cn-shanghai', serviceName: 'x' }));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).params).toEqual({ endpoint, code: 'ECONNREFUSED' });
  });
});
