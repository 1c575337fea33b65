// Health checks against the simulator: the API edition (sink and input queue attributes) and the OSS output folder.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../main/adapters';
import { checkServiceHealth, type HealthTarget } from '../../main/services/health-check';
import { startSimulator, type Simulator } from '../sim/index';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

function queueTarget(overrides: Partial<HealthTarget> = {}): HealthTarget {
  return {
    serviceId: 'svc-q',
    name: 'sim queue',
    edition: 'queue',
    url: sim.info.queue.url,
    token: sim.info.queue.token,
    queue: {
      endpoint: `http://${sim.info.queue.endpoint}`,
      serviceName: sim.info.queue.service.replace(/\/sink$/, ''),
    },
    ...overrides,
  };
}

function ossTarget(secret = sim.info.oss.accessKeySecret) {
  const { bucket, prefix, endpoint, region, accessKeyId } = sim.info.oss;
  return { bucket, prefix: `${prefix}/`, endpoint, region, accessKeyId, accessKeySecret: secret };
}

const check = (target: HealthTarget) => checkServiceHealth(target, { clock: systemClock, timeoutMs: 5000 });

describe('API-edition health', () => {
  it('is ok with the right token and its OSS output, and reports consumers, queue length and latency', async () => {
    const result = await check(queueTarget({ oss: ossTarget() }));
    expect(result).toMatchObject({ serviceId: 'svc-q', status: 'ok', warnings: [] });
    expect(result.details.queueLength).toBeTypeOf('number');
    expect(result.details.consumers).toBeTypeOf('number');
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.parts.map((part) => [part.part, part.status])).toEqual([
      ['sink', 'ok'],
      ['input-queue', 'ok'],
      ['oss', 'ok'],
    ]);
    expect(result.message).toMatch(/Ready/);
    expect(result).toMatchObject({ code: 'ready-queue', warningCodes: [] });
    expect(result.parts.map((part) => part.code)).toEqual(['part-ready', 'part-ready', 'oss-readable-empty']);
  });

  it('needs an OSS output location when it has none: its results are only on OSS', async () => {
    const result = await check(queueTarget());
    expect(result).toMatchObject({ status: 'needs-oss', code: 'oss-needed', params: { name: 'sim queue' } });
    expect(result.parts.at(-1)).toMatchObject({ part: 'oss', status: 'needs-oss', code: 'oss-needed' });
  });

  it('says auth-failed with a bad token, and what to do', async () => {
    const result = await check(queueTarget({ token: 'wrong-token-123456' }));
    expect(result.status).toBe('auth-failed');
    expect(result.message).toMatch(/Copy the token again/);
    // The code and the part it came from let the renderer word it: “结果队列“…/sink”拒绝了令牌…”.
    expect(result).toMatchObject({
      code: 'token-refused',
      params: { name: 'sim queue', queue: queueTarget().queue?.serviceName },
    });
    expect(result.parts[0]).toMatchObject({ part: 'sink', code: 'token-refused' });
    expect(JSON.stringify(result)).not.toContain('wrong-token-123456');
  });

  it('says misconfigured when the service name is wrong', async () => {
    const result = await check(
      queueTarget({ queue: { endpoint: `http://${sim.info.queue.endpoint}`, serviceName: 'nope' } }),
    );
    expect(result.status).toBe('misconfigured');
    expect(result.message).toMatch(/service name/);
    expect(result).toMatchObject({ code: 'not-found-queue', params: { queue: 'nope' } });
  });

  it('says unreachable, and to start it, when the service is stopped', async () => {
    await sim.queue.stop();
    try {
      const result = await check(queueTarget());
      expect(result.status).toBe('unreachable');
      expect(result.message).toMatch(/Start the service/);
      expect(result).toMatchObject({ code: 'not-running', params: { status: expect.any(Number) as number } });
    } finally {
      sim.queue.start();
    }
  });

  it('says unreachable when nothing listens', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/api/predict/x`;
    const result = await check(queueTarget({ url, queue: { endpoint: `http://127.0.0.1:${port}`, serviceName: 'x' } }));
    expect(result.status).toBe('unreachable');
    expect(result.code).toBe('connection-failed');
  });
});

describe('OSS health', () => {
  it('is ok when the output folder can be listed', async () => {
    const result = await check(queueTarget({ oss: ossTarget() }));
    expect(result.status).toBe('ok');
    expect(result.parts.at(-1)).toMatchObject({ part: 'oss', status: 'ok', code: 'oss-readable-empty' });
  });

  it('names one key under output/ when there is one', async () => {
    const { prefix } = sim.info.oss;
    sim.oss.put(`${prefix}/output/ComfyUI_00001_.png`, Buffer.from('png'));
    const result = await check(queueTarget({ oss: ossTarget() }));
    expect(result.details.ossSampleKey).toBe(`${prefix}/output/ComfyUI_00001_.png`);
    expect(result.parts.at(-1)).toMatchObject({
      code: 'oss-readable',
      params: { where: expect.stringMatching(/^oss:\/\//) as string },
    });
  });

  it('says auth-failed with a wrong AccessKey secret', async () => {
    const result = await check(queueTarget({ oss: ossTarget('not-the-secret-000') }));
    expect(result.status).toBe('auth-failed');
    expect(result.message).toMatch(/AccessKey/);
    // The image source's own sentence travels as the detail shown beside the translated one.
    expect(result).toMatchObject({ code: 'oss-auth-failed', params: { detail: result.message } });
    expect(JSON.stringify(result)).not.toContain('not-the-secret-000');
  });

  it('says the bucket does not exist, by its own code', async () => {
    const result = await check(queueTarget({ oss: { ...ossTarget(), bucket: 'no-such-bucket' } }));
    expect(result.status).toBe('misconfigured');
    expect(result.message).toMatch(/bucket/);
    expect(result.code).toBe('oss-no-bucket');
  });

  it('needs the OSS output location completed when the API edition has no AccessKey', async () => {
    const result = await check(queueTarget({ oss: { ...ossTarget(), accessKeySecret: undefined } }));
    expect(result).toMatchObject({ status: 'needs-oss', code: 'oss-no-access-key' });
  });

  it('says misconfigured when an Exclusive service’s optional OSS location has no AccessKey', async () => {
    const result = await check({
      serviceId: 'svc-x',
      name: 'sim exclusive',
      edition: 'exclusive',
      url: sim.info.exclusive.url,
      token: sim.info.exclusive.token,
      oss: { ...ossTarget(), accessKeySecret: undefined },
    });
    expect(result).toMatchObject({ status: 'misconfigured', code: 'oss-no-access-key' });
  });
});

describe('plain http', () => {
  let server: Server;
  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('warns when a token would travel over http:// to a remote host, and offers https://', async () => {
    const result = await check({
      serviceId: 'x',
      name: 'remote',
      edition: 'exclusive',
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      token: 'tok-123456789',
    });
    expect(result.warnings).toEqual([]);
    // 192.0.2.1 is a documentation address: the check itself fails, the warning does not depend on it.
    const remote = await checkServiceHealth(
      { serviceId: 'x', name: 'remote', edition: 'exclusive', url: 'http://192.0.2.1/', token: 'tok-123456789' },
      { clock: systemClock, timeoutMs: 200 },
    );
    expect(remote.warnings.join(' ')).toMatch(/unencrypted over http:\/\/ to 192\.0\.2\.1/);
    expect(remote.suggestedUrl).toBe('https://192.0.2.1/');
    expect(remote.warningCodes).toEqual([{ code: 'plain-http', params: { host: '192.0.2.1' } }]);
  });
});

function freePort(): Promise<number> {
  const probe = createServer();
  return new Promise((resolve) =>
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    }),
  );
}
