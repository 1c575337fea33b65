// The EAS queue protocol client against the simulated queue service: every HTTP operation of reference/eas-queue.md
// round-trips on a real loopback server.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../main/errors';
import { HttpClient } from '../../main/editions/http';
import { queueAddressOf } from '../../main/editions/queue/queue-address';
import { QueueClient } from '../../main/editions/queue/queue-client';
import { EasQueueServer } from '../sim/eas/server';

const token = 'client-token-123456';
let server: EasQueueServer;
let http: HttpClient;
let input: QueueClient;
let sink: QueueClient;

function clientsFor(secret: string): { http: HttpClient; input: QueueClient; sink: QueueClient } {
  const address = queueAddressOf(server.url);
  const client = new HttpClient({ baseUrl: address.predictBase, token: secret, label: 'the service “svc”' });
  return {
    http: client,
    input: new QueueClient({ http: client, queue: address.service, uid: 'app-uid' }),
    sink: new QueueClient({ http: client, queue: address.sink, uid: 'app-uid' }),
  };
}

beforeEach(async () => {
  server = await EasQueueServer.start({ token, service: 'svc' });
  ({ http, input, sink } = clientsFor(token));
});
afterEach(async () => {
  await http.close();
  await server.close();
});

const text = (data: Uint8Array): string => Buffer.from(data).toString('utf8');

describe('queue address', () => {
  it('derives endpoint, service and sink from the URL the console shows', () => {
    expect(queueAddressOf('http://1234.cn-shanghai.pai-eas.aliyuncs.com/api/predict/sd_prod')).toEqual({
      endpoint: 'http://1234.cn-shanghai.pai-eas.aliyuncs.com',
      service: 'sd_prod',
      sink: 'sd_prod/sink',
      predictBase: 'http://1234.cn-shanghai.pai-eas.aliyuncs.com/api/predict/',
    });
  });

  it('takes a URL without scheme as http, keeps https, and accepts a pasted api_prompt or sink URL', () => {
    expect(queueAddressOf('host.example/api/predict/svc').endpoint).toBe('http://host.example');
    expect(queueAddressOf('https://host.example/api/predict/svc/').endpoint).toBe('https://host.example');
    expect(queueAddressOf('http://h/api/predict/svc/api_prompt').service).toBe('svc');
    expect(queueAddressOf('http://h/api/predict/svc/sink').sink).toBe('svc/sink');
  });

  it('refuses a URL with no service name, saying what to copy', () => {
    expect(() => queueAddressOf('http://host.example/')).toThrow(/request URL of the API edition/);
    expect(() => queueAddressOf('ftp://host/api/predict/svc')).toThrow(/http:\/\/ or https:\/\//);
  });
});

describe('queue client', () => {
  it('puts an item with tags and reads it back without removing it', async () => {
    const receipt = await input.put('{"a":1}', { task_id: 't 1&x', colour: 'red' });
    expect(receipt.index).toBe(1);
    expect(receipt.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const [frame] = await input.get({ index: 0, length: 5 });
    expect(frame?.index).toBe(1n);
    expect(frame?.tags).toEqual({ task_id: 't 1&x', colour: 'red', requestId: receipt.requestId });
    expect(text(frame?.data ?? new Uint8Array())).toBe('{"a":1}');
    expect(server.input.length).toBe(1);
  });

  it('puts through the api_prompt path with the task_id tag', async () => {
    const receipt = await input.put(
      '{"3":{"class_type":"KSampler","inputs":{}}}',
      { task_id: 'job-7' },
      {
        suffix: 'api_prompt',
      },
    );
    expect(server.input.read(receipt.index, 1, {})[0]?.tags.task_id).toBe('job-7');
  });

  it('reads items by tag, and deletes them when asked to', async () => {
    await input.put('a', { colour: 'red' });
    await input.put('b', { colour: 'blue' });
    const blue = await input.get({ index: 0, length: 5, tags: { colour: 'blue' }, autoDelete: true });
    expect(blue.map((frame) => text(frame.data))).toEqual(['b']);
    expect(server.input.length).toBe(1);
  });

  it('long-polls a get until an item arrives', async () => {
    const waiting = input.get({ index: 0, timeoutMs: 5000 });
    await server.nextLongPoll();
    await input.put('late');
    expect((await waiting).map((frame) => text(frame.data))).toEqual(['late']);
  });

  it('commits with percent-encoded indexes, and committed items leave the queue', async () => {
    for (const body of ['a', 'b', 'c']) await sink.put(body);
    await sink.commit([1, 3]);
    expect(server.sink.read(0, 10, {}).map((item) => item.index)).toEqual([2]);
  });

  it('deletes by index and truncates below an index', async () => {
    for (const body of ['a', 'b', 'c', 'd']) await input.put(body);
    await input.delete([2]);
    await input.truncate(4);
    expect(server.input.read(0, 10, {}).map((item) => item.index)).toEqual([4]);
  });

  it('searches a queued item (items ahead) and answers undefined for one the queue no longer holds', async () => {
    await input.put('a');
    await input.put('b');
    expect(await input.search(2)).toMatchObject({ IsPending: false, WaitCount: 1 });
    expect(await input.search(99)).toBeUndefined();
  });

  it('reads attributes as protobuf, with the stream length and the consumer count', async () => {
    await input.put('a');
    await input.put('b');
    const attributes = await input.attributes();
    expect(attributes.length).toBe(2);
    expect(attributes.consumers).toBe(0);
    expect(attributes.all['meta.name']).toBe('svc');
    expect(attributes.all['stream.lastEntry']).toBe('2');
  });

  it('reads attributes sent as JSON, with the consumer count spelt as the docs spell it', async () => {
    const jsonServer = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ 'meta.name': 'svc', 'stream.length': '5', 'consumers.stats.total': '3' }));
    });
    jsonServer.listen(0, '127.0.0.1');
    await once(jsonServer, 'listening');
    const base = `http://127.0.0.1:${(jsonServer.address() as AddressInfo).port}/api/predict/`;
    const jsonHttp = new HttpClient({ baseUrl: base, token, label: 'the JSON service' });
    try {
      const attributes = await new QueueClient({ http: jsonHttp, queue: 'svc', uid: 'u' }).attributes();
      expect(attributes).toMatchObject({ length: 5, consumers: 3 });
    } finally {
      await jsonHttp.close();
      jsonServer.closeAllConnections();
      await new Promise((resolve) => jsonServer.close(resolve));
    }
  });

  it('sends the consumer uid and the default group on every request', () => {
    expect(sink.watchHeaders()).toEqual({
      Authorization: token,
      'X-EAS-QueueService-Redis-Uid': 'app-uid',
      'X-EAS-QueueService-Redis-Gid': 'eas',
      Accept: 'application/vnd.google.protobuf',
    });
  });

  it('turns a wrong token into an AuthError that does not contain the token', async () => {
    const wrong = clientsFor('wrong-token-abcdef');
    try {
      const failure = await wrong.input.put('a').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AuthError);
      expect(String((failure as Error).message)).not.toContain('wrong-token-abcdef');
    } finally {
      await wrong.http.close();
    }
  });
});
