// Faults of the simulated EAS queue service, over real sockets: latency, 5xx, 429, dropped watch sockets, restarts.
import { afterEach, describe, expect, it } from 'vitest';
import { FaultInjector, defaultFaults, type FaultOptions } from './faults';
import { EasQueueServer } from './eas/server';
import { TestQueueClient, text } from './eas/test-client';

const token = 'fault-token-123456';
let server: EasQueueServer | undefined;

async function start(faults: Partial<FaultOptions>): Promise<{ server: EasQueueServer; sink: TestQueueClient }> {
  const started = await EasQueueServer.start({
    token,
    service: 'svc',
    faults: new FaultInjector({ ...defaultFaults, ...faults }),
  });
  server = started;
  return { server: started, sink: new TestQueueClient(`${started.url}/sink`, token, { uid: 'app' }) };
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('EAS queue faults', () => {
  it('delays every reply by the configured latency', async () => {
    const { sink } = await start({ latencyMs: 120 });
    const started = Date.now();
    await sink.put('slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('answers a share of requests with 502 or 503', async () => {
    const { sink } = await start({ failRate: 1 });
    const res = await sink.request('GET', { _attrs_: 'true' });
    expect([502, 503]).toContain(res.status);
  });

  it('answers 429 with Retry-After beyond the rate limit', async () => {
    const { sink } = await start({ rateLimit: 2 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i += 1) {
      const res = await sink.request('GET', { _attrs_: 'true' });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('Retry-After');
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(retryAfter).toBe('1');
  });

  it('drops a watch socket every n frames, and the reconnect gets the uncommitted frames again', async () => {
    const { sink } = await start({ dropWsEvery: 2 });
    for (const body of ['a', 'b', 'c']) await sink.put(body);
    const first = sink.watch({ _index_: '0', _window_: '10' });
    expect((await first.take(2)).map(text)).toEqual(['a', 'b']);
    await first.closed;
    expect(await first.next()).toBeUndefined();
    await sink.commit([1]);
    const second = sink.watch({ _index_: '0', _window_: '10' });
    expect((await second.take(2)).map(text)).toEqual(['b', 'c']);
    await second.closed;
  });

  it('restarts: closes every socket, refuses connections for a moment, then serves the same queues', async () => {
    const { server: queue, sink } = await start({});
    await sink.put('kept');
    const watch = sink.watch({ _index_: '0', _window_: '1' });
    await watch.take(1);
    const restarting = queue.simulateRestart(200);
    await watch.closed;
    const refused = await sink.request('GET', { _attrs_: 'true' }).then(
      (res) => `status ${res.status}`,
      (error: unknown) => String((error as { cause?: { code?: string } }).cause?.code),
    );
    expect(refused).toBe('ECONNREFUSED');
    await restarting;
    const again = sink.watch({ _index_: '0', _window_: '1' });
    expect(text(await again.next())).toBe('kept');
    await again.close();
  });
});
