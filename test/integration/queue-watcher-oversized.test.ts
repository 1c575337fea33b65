// A sink frame larger than the watcher reads (ws maxPayload) against the simulator: reported once as unreadable,
// committed unread, and every later result still arrives (DESIGN.md rule 8; reference/eas-queue.md get and commit).
import { afterEach, describe, expect, it } from 'vitest';
import { SinkWatcher, type WatchedFrame, type WatcherProblem } from '../../main/editions/queue/sink-watcher';
import { EasQueueServer } from '../sim/eas/server';
import { sinkClient } from '../unit/queue/watch-rig';

const token = 'oversized-token-123456';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function result(name: string): Buffer {
  return Buffer.from(JSON.stringify([{ node: '9', filename: name, subfolder: '', type: 'output' }]));
}

describe('sink watcher and a frame over its size cap', () => {
  it('reports a frame over maxFrameBytes once, commits it unread, and goes on delivering', async () => {
    const server = await EasQueueServer.start({ token, service: 'svc', redeliveryGraceMs: 100 });
    cleanups.push(() => server.close());
    server.sink.put(result('before.png'), { task_id: 'before' });
    server.sink.put(Buffer.alloc(1024 * 1024, 0x20), { task_id: 'huge' });
    server.sink.put(result('after.png'), { task_id: 'after' });

    const { http, sink } = sinkClient(`http://${server.endpoint}/api/predict/`, token);
    const frames: WatchedFrame[] = [];
    const problems: WatcherProblem[] = [];
    let arrived = (): void => undefined;
    const bothArrived = new Promise<void>((resolve) => (arrived = resolve));
    const watcher = new SinkWatcher({
      sink,
      maxFrameBytes: 64 * 1024,
      backoff: { initialMs: 20, maxMs: 200 },
      onFrame: (frame) => {
        frames.push(frame);
        if (frames.length === 2) arrived();
        return Promise.resolve();
      },
    });
    cleanups.push(async () => {
      await watcher.close();
      await http.close();
    });
    watcher.onProblem((problem) => problems.push(problem));
    watcher.start();
    await bothArrived;
    server.sink.put(result('later.png'), { task_id: 'later' });
    await new Promise<void>((resolve) => {
      const stop = watcher.onCommit(() => {
        if (server.sink.length === 0) {
          stop();
          resolve();
        }
      });
    });

    expect(frames.map((frame) => frame.taskId)).toEqual(['before', 'after', 'later']);
    const unreadable = problems.filter((problem) => problem.kind === 'garbage-frame');
    expect(unreadable).toEqual([
      {
        kind: 'garbage-frame',
        index: 2,
        taskId: 'huge',
        committed: true,
        reason: expect.stringMatching(/1 MiB, more than the 64 KiB/) as string,
      },
    ]);
  });
});
