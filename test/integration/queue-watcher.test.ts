// The sink watcher on real sockets: commit after the handler, redelivery, de-duplication, garbage, auth, dead sockets,
// backoff and close (reference/eas-queue.md, "Watch semantics"; DESIGN.md rule 4).
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../main/editions/edition';
import type { HttpClient } from '../../main/editions/http';
import {
  SinkWatcher,
  type SinkWatcherOptions,
  type WatchedFrame,
  type WatcherProblem,
} from '../../main/editions/queue/sink-watcher';
import { EasQueueServer } from '../sim/eas/server';
import { CountingClock, ScriptedSink, SilentServer, frameBytes, sinkClient } from '../unit/queue/watch-rig';

const token = 'watch-token-123456';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Rig {
  watcher: SinkWatcher;
  clock: CountingClock;
  http: HttpClient;
  frames: WatchedFrame[];
  states: ConnectionState[];
  timedStates: { state: ConnectionState; at: number }[];
  problems: WatcherProblem[];
  /** Resolves when the watcher reaches a state of this name. */
  reach(state: ConnectionState['state']): Promise<ConnectionState>;
}

function watch(baseUrl: string, options: Partial<SinkWatcherOptions> = {}, secret = token): Rig {
  const clock = new CountingClock();
  const { http, sink } = sinkClient(baseUrl, secret);
  const frames: WatchedFrame[] = [];
  const watcher = new SinkWatcher({
    sink,
    clock,
    pingIntervalMs: 200,
    pongTimeoutMs: 400,
    backoff: { initialMs: 20, maxMs: 200 },
    onFrame: (frame) => {
      frames.push(frame);
      return Promise.resolve();
    },
    ...options,
  });
  const states: ConnectionState[] = [];
  const timedStates: { state: ConnectionState; at: number }[] = [];
  const problems: WatcherProblem[] = [];
  const waiters: { name: ConnectionState['state']; resolve: (state: ConnectionState) => void }[] = [];
  watcher.onState((state) => {
    states.push(state);
    timedStates.push({ state, at: Date.now() });
    for (const waiter of waiters.filter((w) => w.name === state.state)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(state);
    }
  });
  watcher.onProblem((problem) => problems.push(problem));
  cleanups.push(async () => {
    await watcher.close();
    await http.close();
  });
  return {
    watcher,
    clock,
    http,
    frames,
    states,
    timedStates,
    problems,
    reach: (name) => new Promise((resolve) => waiters.push({ name, resolve })),
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve = (): void => undefined;
  let reject = (_error: Error): void => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function scripted(): Promise<ScriptedSink> {
  const sink = await ScriptedSink.start();
  cleanups.push(() => sink.close());
  return sink;
}

async function easServer(): Promise<EasQueueServer> {
  const server = await EasQueueServer.start({ token, service: 'svc', redeliveryGraceMs: 100 });
  cleanups.push(() => server.close());
  return server;
}

const predictBase = (server: EasQueueServer): string => `http://${server.endpoint}/api/predict/`;

describe('sink watcher', () => {
  it('commits a sink frame only after its handler resolves', async () => {
    const sink = await scripted();
    const slow = deferred();
    const rig = watch(sink.baseUrl, {
      onFrame: (frame) => (frame.index === 1 ? slow.promise : Promise.resolve()),
    });
    rig.watcher.start();
    await sink.send(frameBytes(1, { task_id: 'slow' }));
    await sink.send(frameBytes(2, { task_id: 'fast' }));
    await sink.committed([2]);
    expect(sink.commits.flat()).not.toContain(1);
    slow.resolve();
    await sink.committed([1]);
    expect(sink.commits.flat().sort()).toEqual([1, 2]);
  });

  it('batches the commits of frames handled together', async () => {
    const sink = await scripted();
    const rig = watch(sink.baseUrl, { commitDelayMs: 20 });
    rig.watcher.start();
    const indexes = Array.from({ length: 30 }, (_, i) => i + 1);
    for (const index of indexes) await sink.send(frameBytes(index, { task_id: `t${index}` }));
    await sink.committed(indexes);
    expect(sink.commits.length).toBeLessThan(10);
    expect(rig.watcher.stats.handled).toBe(30);
  });

  it('retries a commit the service failed, keeping the frame for it', async () => {
    const sink = await scripted();
    sink.failCommits = { count: 2, status: 503 };
    const rig = watch(sink.baseUrl);
    rig.watcher.start();
    await sink.send(frameBytes(9, { task_id: 'retry' }));
    await sink.committed([9]);
    expect(rig.problems.map((problem) => problem.kind)).toEqual(['commit-failed', 'commit-failed']);
    expect(rig.frames).toHaveLength(1);
  });

  it('stops with auth-failed when a commit is refused for the token', async () => {
    const sink = await scripted();
    sink.failCommits = { count: 1, status: 401 };
    const rig = watch(sink.baseUrl);
    rig.watcher.start();
    await sink.send(frameBytes(1, { task_id: 'a' }));
    expect(await rig.reach('auth-failed')).toMatchObject({
      reason: expect.stringContaining('HTTP 401') as string,
      why: { code: 'token-refused', params: { status: 401 } },
    });
    expect(rig.clock.active.size).toBe(0);
  });

  it('close() commits the frames already handled before it stops', async () => {
    const sink = await scripted();
    const handled = deferred();
    const rig = watch(sink.baseUrl, {
      commitDelayMs: 60_000,
      onFrame: () => {
        handled.resolve();
        return Promise.resolve();
      },
    });
    rig.watcher.start();
    await sink.send(frameBytes(4, { task_id: 'late' }));
    await handled.promise;
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.commits).toEqual([]);
    await rig.watcher.close();
    expect(sink.commits).toEqual([[4]]);
  });

  it('reads each frame with the watch parameters and headers of the protocol', async () => {
    const server = await easServer();
    server.sink.put(Buffer.from('[]'), { task_id: 'a' });
    const rig = watch(predictBase(server), { window: 7 });
    const committed = new Promise<readonly number[]>((resolve) => rig.watcher.onCommit(resolve));
    rig.watcher.start();
    expect(await committed).toEqual([1]);
    expect(rig.frames.map((frame) => [frame.index, frame.taskId, frame.external])).toEqual([[1, 'a', false]]);
    expect(server.sink.length).toBe(0);
  });

  it('leaves a frame whose handler failed uncommitted, reports it, and handles it again when redelivered', async () => {
    const server = await easServer();
    server.sink.put(Buffer.from('[]'), { task_id: 'flaky' });
    let calls = 0;
    const rig = watch(predictBase(server), {
      onFrame: () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('disk full')) : Promise.resolve();
      },
    });
    const committed = new Promise<readonly number[]>((resolve) => rig.watcher.onCommit(resolve));
    rig.watcher.start();
    expect(await committed).toEqual([1]);
    expect(calls).toBe(2);
    expect(server.sink.deliveries).toBe(2);
    expect(server.sink.length).toBe(0);
    expect(rig.problems).toEqual([
      expect.objectContaining({ kind: 'handler-failed', index: 1, taskId: 'flaky' }) as WatcherProblem,
    ]);
  });

  it('commits a redelivered frame again without handling it twice', async () => {
    const sink = await scripted();
    const rig = watch(sink.baseUrl);
    rig.watcher.start();
    await sink.send(frameBytes(5, { task_id: 'once' }));
    await sink.commitRequests(1);
    await sink.send(frameBytes(5, { task_id: 'once' }));
    await sink.commitRequests(2);
    expect(sink.commits).toEqual([[5], [5]]);
    expect(rig.frames).toHaveLength(1);
    expect(rig.watcher.stats.duplicates).toBe(1);
  });

  it('hands over one result per task_id and commits the second one too', async () => {
    const sink = await scripted();
    const rig = watch(sink.baseUrl);
    rig.watcher.start();
    await sink.send(frameBytes(3, { task_id: 'twice' }));
    await sink.send(frameBytes(4, { task_id: 'twice' }));
    await sink.committed([3, 4]);
    expect(rig.frames.map((frame) => frame.index)).toEqual([3]);
    expect(rig.problems).toEqual([{ kind: 'duplicate-task', index: 4, taskId: 'twice' }]);
  });

  it('records garbage frames without crashing, never commits index 0, and commits one whose index is sound', async () => {
    const sink = await scripted();
    const rig = watch(sink.baseUrl);
    rig.watcher.start();
    await sink.send(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    await sink.send(new Uint8Array());
    // index 7 with a tag key that is not UTF-8: the frame does not decode, its index does
    await sink.send(new Uint8Array([0x08, 0x07, 0x12, 0x05, 0x0a, 0x01, 0xff, 0x12, 0x00]));
    await sink.send(frameBytes(8, { task_id: 'after' }));
    await sink.committed([7, 8]);
    expect(sink.commits.flat()).not.toContain(0);
    expect(rig.frames.map((frame) => frame.index)).toEqual([8]);
    expect(rig.problems.map((p) => (p.kind === 'garbage-frame' ? [p.index, p.committed] : p.kind))).toEqual([
      [undefined, false],
      [undefined, false],
      [7, true],
    ]);
    expect(rig.watcher.state).toEqual({ state: 'live' });
  });

  it('hands results of other clients over as external, or leaves them uncommitted when asked to', async () => {
    const adopt = await scripted();
    const adopting = watch(adopt.baseUrl, { isOwnTask: (id) => id.startsWith('mine-') });
    adopting.watcher.start();
    await adopt.send(frameBytes(1, { task_id: 'theirs' }));
    await adopt.send(frameBytes(2, { task_id: 'mine-1' }));
    await adopt.send(frameBytes(3));
    await adopt.committed([1, 2, 3]);
    expect(adopting.frames.map((frame) => [frame.index, frame.external])).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);

    const leave = await scripted();
    const leaving = watch(leave.baseUrl, { isOwnTask: (id) => id.startsWith('mine-'), leaveForeign: true });
    leaving.watcher.start();
    await leave.send(frameBytes(1, { task_id: 'theirs' }));
    await leave.send(frameBytes(2, { task_id: 'mine-1' }));
    await leave.committed([2]);
    expect(leave.commits.flat()).toEqual([2]);
    expect(leaving.frames.map((frame) => frame.index)).toEqual([2]);
  });

  it('asks for the window plus the slots foreign frames may hold when it leaves them', async () => {
    const server = await easServer();
    const rig = watch(predictBase(server), { window: 4, leaveForeign: true, maxForeignHeld: 2 });
    rig.watcher.start();
    await rig.reach('live');
    expect(server.sink.attributes()['consumers.list.[0]']).toContain('Window: 6');
  });

  it('reports when foreign frames left alone have taken every extra slot', async () => {
    const sink = await scripted();
    const rig = watch(sink.baseUrl, { isOwnTask: (id) => id === 'mine', leaveForeign: true, maxForeignHeld: 2 });
    rig.watcher.start();
    await sink.send(frameBytes(1, { task_id: 'theirs-1' }));
    await sink.send(frameBytes(2, { task_id: 'theirs-2' }));
    await sink.send(frameBytes(3, { task_id: 'mine' }));
    await sink.committed([3]);
    expect(rig.problems).toEqual([{ kind: 'foreign-window-full', held: 2 }]);
    expect(sink.commits.flat()).toEqual([3]);
  });

  it('stops with auth-failed on a refused token and makes no further attempt', async () => {
    const server = await easServer();
    const rig = watch(predictBase(server), {}, 'wrong-token-abcdef');
    rig.watcher.start();
    const state = await rig.reach('auth-failed');
    expect(state).toEqual({
      state: 'auth-failed',
      reason: expect.stringContaining('HTTP 401') as string,
      why: { code: 'token-refused', params: { status: 401 } },
    });
    expect(JSON.stringify(state)).not.toContain('wrong-token-abcdef');
    expect(rig.watcher.stats.connects).toBe(1);
    expect(rig.clock.active.size).toBe(0);
  });

  it('notices a socket that went silent within the pong deadline, and reconnects', async () => {
    const silent = await SilentServer.start();
    cleanups.push(() => silent.close());
    const rig = watch(silent.baseUrl, { pingIntervalMs: 100, pongTimeoutMs: 300 });
    rig.watcher.start();
    await rig.reach('live');
    const liveAt = Date.now();
    const backingOff = await rig.reach('backing-off');
    const noticedAfter = Date.now() - liveAt;
    expect(backingOff).toMatchObject({
      reason: 'no answer to a ping within 300 ms',
      why: { code: 'ping-unanswered', params: { ms: 300 } },
    });
    expect(noticedAfter).toBeGreaterThanOrEqual(300);
    expect(noticedAfter).toBeLessThan(100 + 300 + 1000);
    await rig.reach('live');
    expect(silent.upgrades).toBe(2);
  });

  it('backs off with capped exponential delays and full jitter while the service is down, then comes back', async () => {
    const server = await easServer();
    server.stopService();
    const rig = watch(predictBase(server), { random: () => 0.5, backoff: { initialMs: 40, maxMs: 100 } });
    rig.watcher.start();
    for (let i = 0; i < 4; i += 1) await rig.reach('backing-off');
    const backoffs = rig.timedStates.filter(({ state }) => state.state === 'backing-off').slice(0, 4);
    expect(backoffs.map(({ state }) => state)).toEqual(
      [1, 2, 3, 4].map((attempt) => ({
        state: 'backing-off',
        attempt,
        nextAttemptAt: expect.any(Number) as number,
        reason: 'the service answered the watch with HTTP 503',
        why: { code: 'connection-http', params: { status: 503 } },
      })),
    );
    // random 0.5 of min(100, 40·2^n): 20, 40, then capped at 50
    const delays = backoffs.map(({ state, at }) => (state.state === 'backing-off' ? state.nextAttemptAt - at : -1));
    const expected = [20, 40, 50, 50];
    expect(delays.map((delay, i) => Math.abs(delay - (expected[i] ?? 0)) <= 2)).toEqual([true, true, true, true]);
    server.startService();
    await rig.reach('live');
    expect(rig.states.filter((state) => state.state === 'connecting').length).toBeGreaterThanOrEqual(5);
  });

  it('close() stops for good: the state ends in stopped, no timer is armed and the server sees the socket go', async () => {
    const server = await easServer();
    const rig = watch(predictBase(server));
    rig.watcher.start();
    await rig.reach('live');
    expect(rig.clock.active.size).toBeGreaterThan(0);
    await rig.watcher.close();
    expect(rig.states.at(-1)).toEqual({ state: 'stopped' });
    expect(rig.clock.active.size).toBe(0);
    while (server.watcherCount > 0) await new Promise((resolve) => setImmediate(resolve));
    expect(server.watcherCount).toBe(0);
  });
});
