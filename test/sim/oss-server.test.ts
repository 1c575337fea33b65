import OSS from 'ali-oss';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultFaults, FaultInjector } from './faults';
import { ObjectStore } from './oss/object-store';
import { startOssServer, type OssServer } from './oss/server';

const bucket = 'artlab-out';
const region = 'oss-cn-shanghai';
const accessKeyId = 'LTAI5tSimulatorKey';
const accessKeySecret = 'sim-secret-0123456789';

let store: ObjectStore;
let server: OssServer;

function client(overrides: Partial<OSS.Options> & { sldEnable?: boolean } = {}): OSS {
  const options = { endpoint: server.endpoint, region, bucket, accessKeyId, accessKeySecret, ...overrides };
  return new OSS(options);
}

function bytes(result: { content?: unknown }): Buffer {
  if (!Buffer.isBuffer(result.content)) throw new Error('expected the object bytes');
  return result.content;
}

function errorOf(promise: Promise<unknown>): Promise<{ code?: string; status?: number }> {
  return promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => error as { code?: string; status?: number },
  );
}

beforeEach(async () => {
  store = new ObjectStore();
  store.put('data-xyz/output/ComfyUI_00001_.png', Buffer.from('0123456789abcdef'));
  server = await startOssServer({ store, bucket, region, accessKeyId, accessKeySecret });
});

afterEach(async () => {
  await server.close();
});

describe('OSS server with the ali-oss SDK (V1 signatures)', () => {
  it('gets an object with its headers', async () => {
    const result = await client().get('data-xyz/output/ComfyUI_00001_.png');
    expect(bytes(result)).toEqual(Buffer.from('0123456789abcdef'));
    expect(result.res.status).toBe(200);
    expect(result.res.headers).toMatchObject({
      'content-type': 'image/png',
      etag: store.head('data-xyz/output/ComfyUI_00001_.png')?.etag,
    });
  });

  it('answers a Range request with 206 and the slice', async () => {
    const result = await client().get('data-xyz/output/ComfyUI_00001_.png', { headers: { Range: 'bytes=4-7' } });
    expect(result.res.status).toBe(206);
    expect(bytes(result).toString()).toBe('4567');
    expect(result.res.headers).toMatchObject({ 'content-range': 'bytes 4-7/16' });
  });

  it('heads an object', async () => {
    const result = await client().head('data-xyz/output/ComfyUI_00001_.png');
    expect(result.status).toBe(200);
    expect(result.res.headers).toMatchObject({ 'content-length': '16', 'last-modified': expect.any(String) as string });
  });

  it('reports a missing key as NoSuchKey on get and 404 on head', async () => {
    await expect(errorOf(client().get('data-xyz/output/nope.png'))).resolves.toMatchObject({
      code: 'NoSuchKey',
      status: 404,
    });
    await expect(errorOf(client().head('data-xyz/output/nope.png'))).resolves.toMatchObject({ status: 404 });
  });

  it('refuses a wrong secret with SignatureDoesNotMatch and a wrong id with InvalidAccessKeyId', async () => {
    await expect(
      errorOf(client({ accessKeySecret: 'wrong' }).get('data-xyz/output/ComfyUI_00001_.png')),
    ).resolves.toMatchObject({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
    await expect(
      errorOf(client({ accessKeyId: 'LTAIother' }).get('data-xyz/output/ComfyUI_00001_.png')),
    ).resolves.toMatchObject({
      code: 'InvalidAccessKeyId',
      status: 403,
    });
  });

  it('refuses an anonymous request with AccessDenied in an XML error', async () => {
    const res = await fetch(`${server.endpoint}/${bucket}/data-xyz/output/ComfyUI_00001_.png`);
    expect([res.status, res.headers.get('content-type')]).toEqual([403, 'application/xml']);
    expect(await res.text()).toMatch(
      /<Error><Code>AccessDenied<\/Code><Message>.+<\/Message><RequestId>\w+<\/RequestId>/,
    );
  });

  it('refuses another bucket with NoSuchBucket', async () => {
    await expect(errorOf(client({ bucket: 'someone-else' }).get('a.png'))).resolves.toMatchObject({
      code: 'NoSuchBucket',
      status: 404,
    });
  });

  it('lists 2,500 objects in pages with continuation tokens', async () => {
    for (let i = 0; i < 2500; i += 1) store.put(`many/${String(i).padStart(4, '0')}.png`, Buffer.from([i & 0xff]));
    const oss = client();
    const names: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const page: OSS.ListV2ObjectResult = await oss.listV2({
        prefix: 'many/',
        'max-keys': '1000',
        ...(token ? { 'continuation-token': token } : {}),
      });
      names.push(...page.objects.map((o) => o.name));
      token = page.nextContinuationToken ?? null;
      pages += 1;
      if (pages < 3) expect([page.isTruncated, page.keyCount]).toEqual([true, 1000]);
    } while (token);
    expect(pages).toBe(3);
    expect(names).toHaveLength(2500);
    expect(new Set(names).size).toBe(2500);
    expect(names[0]).toBe('many/0000.png');
  });

  it('lists common prefixes at a delimiter', async () => {
    store.put('data-xyz/output/batch-1/a.png', Buffer.from('a'));
    const page = await client().listV2({ prefix: 'data-xyz/output/', delimiter: '/' });
    expect(page.prefixes).toEqual(['data-xyz/output/batch-1/']);
    expect(page.objects.map((o) => o.name)).toEqual(['data-xyz/output/ComfyUI_00001_.png']);
    expect(page.keyCount).toBe(2);
  });

  it('stores what the SDK puts, with keys that need escaping', async () => {
    await client().put('data-xyz/output/中文 a+b.png', Buffer.from('png bytes'));
    expect(store.get('data-xyz/output/中文 a+b.png')?.bytes.toString()).toBe('png bytes');
    expect(bytes(await client().get('data-xyz/output/中文 a+b.png')).toString()).toBe('png bytes');
  });

  it('accepts path-style requests (sldEnable)', async () => {
    const result = await client({ sldEnable: true }).get('data-xyz/output/ComfyUI_00001_.png');
    expect(bytes(result).length).toBe(16);
  });

  it('serves a V1 signed URL (cname endpoint) and refuses it when tampered with', async () => {
    const oss = client({ endpoint: `http://localhost:${server.port}`, cname: true });
    const url = oss.signatureUrl('data-xyz/output/ComfyUI_00001_.png', { expires: 60 });
    const res = await fetch(url);
    expect([res.status, Buffer.from(await res.arrayBuffer()).length]).toEqual([200, 16]);
    const tampered = await fetch(url.replace('ComfyUI_00001_', 'ComfyUI_00002_'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('refuses an expired signed URL with AccessDenied', async () => {
    const oss = client({ endpoint: `http://localhost:${server.port}`, cname: true });
    const expired = await fetch(oss.signatureUrl('data-xyz/output/ComfyUI_00001_.png', { expires: -60 }));
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('checks the STS token when one is configured', async () => {
    await server.close();
    server = await startOssServer({ store, bucket, region, accessKeyId, accessKeySecret, stsToken: 'sts-1' });
    expect((await client({ stsToken: 'sts-1' }).head('data-xyz/output/ComfyUI_00001_.png')).status).toBe(200);
    await expect(
      errorOf(client({ stsToken: 'sts-2' }).get('data-xyz/output/ComfyUI_00001_.png')),
    ).resolves.toMatchObject({
      status: 403,
    });
  });
});

describe('OSS server with V4 signatures', () => {
  it('gets, heads and lists with authorizationV4', async () => {
    const oss = client({ authorizationV4: true });
    expect(bytes(await oss.get('data-xyz/output/ComfyUI_00001_.png')).length).toBe(16);
    expect((await oss.head('data-xyz/output/ComfyUI_00001_.png')).status).toBe(200);
    for (let i = 0; i < 5; i += 1) store.put(`v4/${i}.png`, Buffer.from('x'));
    const first = await oss.listV2({ prefix: 'v4/', 'max-keys': '2' });
    const second = await oss.listV2({
      prefix: 'v4/',
      'max-keys': '2',
      'continuation-token': first.nextContinuationToken ?? '',
    });
    expect(second.objects.map((o) => o.name)).toEqual(['v4/2.png', 'v4/3.png']);
  });

  it('signs keys and prefixes that need escaping', async () => {
    const oss = client({ authorizationV4: true });
    await oss.put("odd/中文 a+b!'()*.png", Buffer.from('x'));
    expect(bytes(await oss.get("odd/中文 a+b!'()*.png")).toString()).toBe('x');
    const page = await oss.listV2({ prefix: 'odd/中文 a+', delimiter: '/' });
    expect(page.objects.map((o) => o.name)).toEqual(["odd/中文 a+b!'()*.png"]);
  });

  it('refuses a wrong secret and a wrong id', async () => {
    await expect(
      errorOf(client({ authorizationV4: true, accessKeySecret: 'wrong' }).get('data-xyz/output/ComfyUI_00001_.png')),
    ).resolves.toMatchObject({ code: 'SignatureDoesNotMatch' });
    await expect(
      errorOf(client({ authorizationV4: true, accessKeyId: 'LTAIother' }).get('data-xyz/output/ComfyUI_00001_.png')),
    ).resolves.toMatchObject({ code: 'InvalidAccessKeyId' });
  });
});

describe('OSS server faults', () => {
  it('answers 503/502 when the fault injector says so, and comes back after a restart', async () => {
    await server.close();
    const faults = new FaultInjector({ ...defaultFaults, failRate: 1 });
    server = await startOssServer({ store, bucket, region, accessKeyId, accessKeySecret, faults });
    const error = await errorOf(client().get('data-xyz/output/ComfyUI_00001_.png'));
    expect([502, 503]).toContain(error.status);
    faults.options.failRate = 0;
    await server.simulateRestart(50);
    expect(bytes(await client().get('data-xyz/output/ComfyUI_00001_.png')).length).toBe(16);
  });
});
