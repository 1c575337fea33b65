import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../../../main/ledger/ledger-rows';
import { ProgressBuffer } from '../../../main/ledger/progress-buffer';

describe('progress buffer', () => {
  it('writes many ticks of a job as one entry with the latest value, once per interval', async () => {
    const writes: [string, JobProgress][][] = [];
    let written: () => void = () => undefined;
    const flushed = new Promise<void>((resolve) => (written = resolve));
    const buffer = new ProgressBuffer(
      5,
      (entries) => {
        writes.push(entries);
        written();
      },
      (error) => {
        throw error;
      },
    );
    for (let step = 1; step <= 50; step++) buffer.set('job-1', { value: step, max: 50 });
    buffer.set('job-2', { value: 1, max: 20, node: '3' });
    expect(buffer.get('job-1')).toEqual({ value: 50, max: 50 });
    await flushed;
    expect(writes).toEqual([
      [
        ['job-1', { value: 50, max: 50 }],
        ['job-2', { value: 1, max: 20, node: '3' }],
      ],
    ]);
    buffer.close();
  });

  it('drops the ticks of a job that ended, and writes the rest on close', () => {
    const writes: [string, JobProgress][][] = [];
    const buffer = new ProgressBuffer(
      60_000,
      (entries) => writes.push(entries),
      () => undefined,
    );
    buffer.set('ended', { value: 1, max: 2 });
    buffer.set('running', { value: 3, max: 4 });
    buffer.forget('ended');
    buffer.close();
    expect(writes).toEqual([[['running', { value: 3, max: 4 }]]]);
    buffer.set('late', { value: 1, max: 1 });
    buffer.close();
    expect(writes).toHaveLength(1);
  });

  it('reports a failed background write instead of throwing from the timer', async () => {
    const reported = new Promise<unknown>((resolve) => {
      const buffer = new ProgressBuffer(
        1,
        () => {
          throw new Error('disk full');
        },
        (error) => {
          buffer.close();
          resolve(error);
        },
      );
      buffer.set('job', { value: 1, max: 2 });
    });
    expect(await reported).toMatchObject({ message: 'disk full' });
  });
});
