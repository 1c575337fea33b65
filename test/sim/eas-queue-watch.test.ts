// Watching a queue of the simulated EAS queue service over a real websocket: start index, window, commits,
// consumer groups and redelivery (reference/eas-queue.md, "Watch semantics").
import { readFile } from 'node:fs/promises';
import protobuf from 'protobufjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EasQueueServer } from './eas/server';
import { TestQueueClient, text } from './eas/test-client';

const token = 'watch-token-123456';
let server: EasQueueServer;
let sink: TestQueueClient;

beforeEach(async () => {
  server = await EasQueueServer.start({ token, service: 'svc', redeliveryGraceMs: 150 });
  sink = new TestQueueClient(`${server.url}/sink`, token, { uid: 'app-1' });
});
afterEach(() => server.close());

async function attributesOf(path: string): Promise<Record<string, string>> {
  const res = await fetch(`${server.url}${path}?_attrs_=true`, { headers: { Authorization: token } });
  return (await res.json()) as Record<string, string>;
}

function asClient(uid: string, gid?: string): TestQueueClient {
  return new TestQueueClient(`${server.url}/sink`, token, gid ? { uid, gid } : { uid });
}

describe('watch', () => {
  it('sends one binary DataFrameProto per item, from the head with index 0, then new items', async () => {
    await sink.put('a', { task_id: 't1' });
    await sink.put('b', { task_id: 't2' });
    const watch = sink.watch({ _index_: '0', _window_: '10' });
    const [first, second] = await watch.take(2);
    expect(first?.index).toBe(1n);
    expect(first?.tags.task_id).toBe('t1');
    expect(text(first)).toBe('a');
    expect(second?.index).toBe(2n);
    await sink.put('c');
    expect(text(await watch.next())).toBe('c');
    await watch.close();
  });

  it('with index −1 sends only items put after it connected', async () => {
    await sink.put('old');
    const watch = sink.watch({ _index_: '-1', _window_: '10' });
    await watch.opened;
    await sink.put('new');
    const frame = await watch.next();
    expect(frame?.index).toBe(2n);
    expect(text(frame)).toBe('new');
    await watch.close();
  });

  it('stops at the window of uncommitted frames, and a commit releases the next', async () => {
    for (const body of ['a', 'b', 'c']) await sink.put(body);
    const watch = sink.watch({ _index_: '0', _window_: '2' });
    expect((await watch.take(2)).map(text)).toEqual(['a', 'b']);
    expect(server.sink.pendingCount()).toBe(2);
    expect(server.sink.deliveries).toBe(2);
    expect(await sink.commit([1])).toBe('200 OK');
    expect(text(await watch.next())).toBe('c');
    expect(server.sink.length).toBe(2);
    await watch.close();
  });

  it('with _index_only_ sends index and tags without data', async () => {
    await sink.put('payload', { task_id: 't' });
    const watch = sink.watch({ _index_: '0', _index_only_: 'true' });
    const frame = await watch.next();
    expect(frame?.index).toBe(1n);
    expect(frame?.tags.task_id).toBe('t');
    expect(frame?.data.length).toBe(0);
    await watch.close();
  });

  it('with _auto_commit_ removes items as it sends them, beyond any window', async () => {
    for (const body of ['a', 'b', 'c']) await sink.put(body);
    const watch = sink.watch({ _index_: '0', _window_: '1', _auto_commit_: 'true' });
    expect((await watch.take(3)).map(text)).toEqual(['a', 'b', 'c']);
    expect(server.sink.length).toBe(0);
    await watch.close();
  });

  it('sends only the items carrying the tags of its query', async () => {
    await sink.put('mine', { owner: 'me' });
    await sink.put('theirs', { owner: 'you' });
    await sink.put('mine too', { owner: 'me' });
    const watch = sink.watch({ _index_: '0', _window_: '10', owner: 'me' });
    expect((await watch.take(2)).map(text)).toEqual(['mine', 'mine too']);
    await watch.close();
  });

  it('answers websocket pings', async () => {
    const watch = sink.watch({ _index_: '0' });
    await watch.opened;
    const pong = new Promise<string>((resolve) => watch.ws.once('pong', (data) => resolve(data.toString())));
    watch.ws.ping('hello');
    expect(await pong).toBe('hello');
    await watch.close();
  });

  it('encodes frames that an independent protobuf decoder reads', async () => {
    const root = protobuf.parse(await readFile('main/editions/queue/proto/queue.proto', 'utf8')).root;
    const FrameType = root.lookupType('eas.queue.DataFrameProto');
    const ListType = root.lookupType('eas.queue.DataFrameListProto');
    await sink.put('{"ok":true}', { task_id: 'x' });
    const watch = sink.watch({ _index_: '0' });
    await watch.take(1);
    const [raw] = watch.rawFrames;
    const frame = FrameType.toObject(FrameType.decode(raw ?? Buffer.alloc(0)), { longs: String, bytes: String });
    expect(frame).toMatchObject({
      index: '1',
      tags: { task_id: 'x' },
      data: Buffer.from('{"ok":true}').toString('base64'),
    });
    const res = await sink.request('GET', { _index_: '0', _length_: '5' });
    const list = ListType.toObject(ListType.decode(new Uint8Array(await res.arrayBuffer())), { longs: String });
    expect(list).toMatchObject({ index: [{ index: '1', tags: { task_id: 'x' } }] });
    await watch.close();
  });
});

describe('consumer groups and redelivery', () => {
  it('shares the items of one group between its consumers, each item to one of them', async () => {
    const one = asClient('c1').watch({ _index_: '0', _window_: '10' });
    const two = asClient('c2').watch({ _index_: '0', _window_: '10' });
    await Promise.all([one.opened, two.opened]);
    for (const body of ['a', 'b', 'c', 'd']) await sink.put(body);
    // The server says how many frames each consumer holds; then each socket must show exactly those.
    const attributes = await attributesOf('/sink');
    const held = (uid: string): number =>
      Number(/Pending: (\d+)/.exec(Object.values(attributes).find((v) => v.startsWith(`Id: ${uid},`)) ?? '')?.[1]);
    expect(held('c1') + held('c2')).toBe(4);
    expect(held('c1')).toBeGreaterThan(0);
    expect(held('c2')).toBeGreaterThan(0);
    const seen = [...(await one.take(held('c1'))), ...(await two.take(held('c2')))].map(text).sort();
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
    expect(server.sink.deliveries).toBe(4);
    await Promise.all([one.close(), two.close()]);
  });

  it('gives every group every item', async () => {
    await sink.put('a');
    await sink.put('b');
    const one = asClient('c1', 'group-1').watch({ _index_: '0', _window_: '10' });
    const two = asClient('c2', 'group-2').watch({ _index_: '0', _window_: '10' });
    expect((await one.take(2)).map(text)).toEqual(['a', 'b']);
    expect((await two.take(2)).map(text)).toEqual(['a', 'b']);
    await Promise.all([one.close(), two.close()]);
  });

  it('redelivers sent-but-uncommitted frames to the same uid when it reconnects, never committed ones', async () => {
    for (const body of ['a', 'b', 'c']) await sink.put(body);
    const first = sink.watch({ _index_: '0', _window_: '10' });
    await first.take(3);
    await sink.commit([2]);
    await first.close();
    const again = sink.watch({ _index_: '0', _window_: '10' });
    expect((await again.take(2)).map((frame) => frame.index)).toEqual([1n, 3n]);
    expect(server.sink.deliveries).toBe(5);
    await again.close();
  });

  it('hands a dropped consumer’s frames to another consumer of its group after the grace period', async () => {
    await sink.put('orphan');
    const leaving = asClient('c1').watch({ _index_: '0', _window_: '1' });
    await leaving.take(1);
    const staying = asClient('c2').watch({ _index_: '0', _window_: '1' });
    await staying.opened;
    await leaving.close();
    const droppedAt = Date.now();
    const frame = await staying.next();
    expect(text(frame)).toBe('orphan');
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(100);
    await staying.close();
  });

  it('redelivers at once what a negative commit gives back', async () => {
    await sink.put('retry me');
    const watch = sink.watch({ _index_: '0', _window_: '1' });
    await watch.take(1);
    const res = await sink.request('PUT', { _indexes_: '1', _negative_: 'true' }, '_code_=500&_reason_=busy');
    expect(res.status).toBe(200);
    const frame = await watch.next();
    expect(frame?.index).toBe(1n);
    await watch.close();
  });

  it('lists its consumers in the attributes', async () => {
    const watch = sink.watch({ _index_: '0', _window_: '3' });
    await watch.opened;
    const attributes = await attributesOf('/sink');
    expect(attributes['consumers.status.total']).toBe('1');
    expect(attributes['consumers.list.[0]']).toMatch(/^Id: app-1, Index: 0, Pending: 0, Status: Running, Window: 3/);
    await watch.close();
  });
});
