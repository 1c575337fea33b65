// The simulated EAS queue service over HTTP: every operation of reference/eas-queue.md, on a real loopback server.
import { fromBinary } from '@bufbuild/protobuf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttributesProtoSchema } from '../../main/editions/queue/proto/queue_pb';
import { parseGoDuration } from './eas/query';
import { EasQueueServer, MAX_PAYLOAD_BYTES } from './eas/server';
import { TestQueueClient, text } from './eas/test-client';

const token = 'test-token-123456';
let server: EasQueueServer;
let input: TestQueueClient;
let sink: TestQueueClient;

beforeEach(async () => {
  server = await EasQueueServer.start({ token, service: 'svc' });
  input = new TestQueueClient(server.url, token);
  sink = new TestQueueClient(`${server.url}/sink`, token);
});
afterEach(() => server.close());

describe('put', () => {
  it('answers the index as bare decimal digits, from 1 up, with a request id header', async () => {
    const first = await input.request('POST', { colour: 'red' }, 'one');
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('1');
    const requestId = first.headers.get('X-Eas-Queueservice-Request-Id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await input.put('two')).toBe(2);
    const [frame] = await input.get({ _index_: '1', _length_: '1' });
    expect(frame?.index).toBe(1n);
    expect(frame?.tags).toEqual({ colour: 'red', requestId });
    expect(text(frame)).toBe('one');
  });

  it('keeps the sink separate from the input queue', async () => {
    await sink.put('result');
    expect(await input.get({ _index_: '0', _length_: '10' })).toEqual([]);
    expect((await sink.get({ _index_: '0' })).map(text)).toEqual(['result']);
  });

  it('refuses a body beyond meta.maxPayloadBytes with 413', async () => {
    const res = await input.request('POST', {}, 'x'.repeat(MAX_PAYLOAD_BYTES + 1));
    expect(res.status).toBe(413);
    expect(server.input.length).toBe(0);
  });

  it('answers 404 for a queue of another service', async () => {
    const res = await fetch(`http://${server.endpoint}/api/predict/other`, { headers: { Authorization: token } });
    expect(res.status).toBe(404);
  });
});

describe('api_prompt', () => {
  it('puts the workflow on the input queue with the task_id tag', async () => {
    const res = await input.request(
      'POST',
      { task_id: 'task-1' },
      '{"3":{"class_type":"KSampler","inputs":{}}}',
      '/api_prompt',
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('1');
    const [frame] = await input.get({ _index_: '0' });
    expect(frame?.tags.task_id).toBe('task-1');
    expect(JSON.parse(text(frame))).toEqual({ '3': { class_type: 'KSampler', inputs: {} } });
  });

  it('refuses a body that is not JSON with 400 and the reason', async () => {
    const res = await input.request('POST', { task_id: 't' }, 'not json', '/api_prompt');
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/must be an API-format workflow \(JSON\)/);
    expect(server.input.length).toBe(0);
  });
});

describe('get', () => {
  it('reads from an index, up to a length, filtered by tags, without deleting unless asked', async () => {
    await input.put('a', { kind: 'x' });
    await input.put('b', { kind: 'y' });
    await input.put('c', { kind: 'x' });
    expect((await input.get({ _index_: '0', _length_: '10', kind: 'x' })).map(text)).toEqual(['a', 'c']);
    expect((await input.get({ _index_: '2', _length_: '1' })).map(text)).toEqual(['b']);
    expect(server.input.length).toBe(3);
    expect((await input.get({ _index_: '0', _length_: '2', _auto_delete_: 'true' })).map(text)).toEqual(['a', 'b']);
    expect((await input.get({ _index_: '0', _length_: '10' })).map(text)).toEqual(['c']);
  });

  it('filters on the requestId the put answered', async () => {
    await input.put('a');
    const res = await input.request('POST', {}, 'b');
    const requestId = res.headers.get('X-Eas-Queueservice-Request-Id') ?? '';
    expect((await input.get({ _index_: '0', _length_: '10', requestId })).map(text)).toEqual(['b']);
  });

  it('long-polls for the Go duration in _timeout_ and answers as soon as an item arrives', async () => {
    const parked = server.nextLongPoll();
    const pending = input.get({ _index_: '0', _timeout_: '5s' });
    await parked;
    await input.put('late');
    expect((await pending).map(text)).toEqual(['late']);
  });

  it('answers an empty list when the timeout ends', async () => {
    const started = Date.now();
    expect(await input.get({ _index_: '0', _timeout_: '150ms' })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('reads _timeout_ as Go writes durations', () => {
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('250ms')).toBe(250);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('1h')).toBe(3_600_000);
    expect(() => parseGoDuration('5')).toThrow(/Go duration/);
  });

  it('refuses a timeout that is not a Go duration', async () => {
    const res = await input.request('GET', { _timeout_: '5 seconds' });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Go duration/);
  });
});

describe('commit, delete, truncate, search', () => {
  it('commit answers 200 OK and the items leave the queue', async () => {
    await input.put('a');
    await input.put('b');
    await input.put('c');
    const res = await fetch(`${server.url}?_indexes_=1%2C3`, { method: 'PUT', headers: { Authorization: token } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('OK');
    expect((await input.get({ _index_: '0', _length_: '10' })).map(text)).toEqual(['b']);
  });

  it('delete removes the listed items; truncate removes every item below an index', async () => {
    for (const body of ['a', 'b', 'c', 'd', 'e']) await input.put(body);
    expect((await input.request('DELETE', { _indexes_: '2' })).status).toBe(200);
    expect((await input.request('DELETE', { _index_: '4', _trunc_: 'true' })).status).toBe(200);
    expect((await input.get({ _index_: '0', _length_: '10' })).map(text)).toEqual(['d', 'e']);
  });

  it('search tells how many items wait ahead, and whether the item is being processed', async () => {
    for (const body of ['a', 'b', 'c']) await input.put(body);
    const watch = input.watch({ _index_: '0', _window_: '1' });
    await watch.take(1);
    const ahead: unknown = await (await input.request('GET', { _search_: 'true', _index_: '3' })).json();
    expect(ahead).toEqual({ IsPending: false, WaitCount: 1 });
    const busy: unknown = await (await input.request('GET', { _search_: 'true', _index_: '1' })).json();
    expect(busy).toEqual({ IsPending: true, WaitCount: 0 });
    expect((await input.request('GET', { _search_: 'true', _index_: '9' })).status).toBe(404);
    await watch.close();
  });
});

describe('attributes', () => {
  it('answers JSON strings, without first/last entry when empty', async () => {
    const plain = await fetch(`${server.url}?_attrs_=true`, { headers: { Authorization: token } });
    const empty = (await plain.json()) as Record<string, string>;
    expect(empty['meta.name']).toBe('svc');
    expect(empty['stream.length']).toBe('0');
    expect(empty['stream.firstEntry']).toBeUndefined();
    expect(empty['meta.header.user']).toBe('X-EAS-QueueService-Redis-Uid');
    await sink.put('a');
    await sink.put('b');
    const res = await fetch(`${server.url}/sink?_attrs_=true`, { headers: { Authorization: token } });
    expect(res.headers.get('content-type')).toBe('application/json');
    const full = (await res.json()) as Record<string, string>;
    expect(full).toMatchObject({
      'meta.name': 'svc/sink',
      'stream.length': '2',
      'stream.firstEntry': '1',
      'stream.lastEntry': '2',
    });
  });

  it('answers AttributesProto when Accept asks for protobuf', async () => {
    const res = await input.request('GET', { _attrs_: 'true' });
    expect(res.headers.get('content-type')).toBe('application/vnd.google.protobuf');
    const decoded = fromBinary(AttributesProtoSchema, new Uint8Array(await res.arrayBuffer()));
    expect(decoded.attributes['meta.name']).toBe('svc');
    expect(decoded.attributes['consumers.status.total']).toBe('0');
  });
});

describe('authentication and service state', () => {
  it('answers 401 in plain text to a wrong or missing token', async () => {
    const wrong = await fetch(`${server.url}?_attrs_=true`, { headers: { Authorization: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await wrong.text()).toMatch(/token/);
    expect((await fetch(`${server.url}?_attrs_=true`)).status).toBe(401);
  });

  it('refuses the websocket upgrade with 401 to a wrong token', async () => {
    const watch = new TestQueueClient(server.url, 'wrong').watch({ _index_: '0' });
    const refusal = await watch.refused;
    expect(refusal.status).toBe(401);
    expect(refusal.body).toMatch(/token/);
  });

  it('answers 503 while the service is stopped, and serves again once started', async () => {
    await input.put('kept');
    server.stopService();
    const res = await input.request('GET', { _attrs_: 'true' });
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/stopped/);
    expect((await new TestQueueClient(server.url, token).watch({}).refused).status).toBe(503);
    server.startService();
    expect((await input.get({ _index_: '0' })).map(text)).toEqual(['kept']);
  });
});
