// A sink frame becomes an EditionResult: files from both documented data shapes, failures with the text they carried.
import { describe, expect, it } from 'vitest';
import { resultFromFrame } from '../../../main/editions/queue/sink-result';
import type { WatchedFrame } from '../../../main/editions/queue/sink-watcher';

function frame(data: string, extra: Partial<WatchedFrame> = {}): WatchedFrame {
  return {
    index: 4,
    taskId: 'task-1',
    requestId: 'req',
    tags: { task_id: 'task-1' },
    data: Buffer.from(data),
    message: '',
    external: false,
    ...extra,
  };
}

const image = { filename: 'ComfyUI_1712647318_8e7f_.png', subfolder: '', type: 'output' };

describe('resultFromFrame', () => {
  it('reads executed items and the outputs map, de-duplicated', () => {
    const data = JSON.stringify([
      { type: 'executed', data: { node: '9', output: { images: [image] }, prompt_id: 'p' } },
      { '9': { images: [image] }, '19': { gifs: [{ ...image, filename: 'a.mp4', format: 'video/h264-mp4' }] } },
    ]);
    expect(resultFromFrame(frame(data))).toEqual({
      identity: 'task-1',
      external: false,
      sinkIndex: 4,
      outputs: [
        { node: '9', kind: 'images', ...image },
        { node: '19', kind: 'gifs', ...image, filename: 'a.mp4', format: 'video/h264-mp4' },
      ],
    });
  });

  it('is a failed job when the frame carries a message and no files', () => {
    const result = resultFromFrame(frame('', { message: 'worker out of memory', external: true }));
    expect(result).toEqual({
      identity: 'task-1',
      external: true,
      sinkIndex: 4,
      outputs: [],
      error: 'The service reported: worker out of memory',
    });
  });

  it('is a failed job with the node named when ComfyUI reported an execution error', () => {
    const data = JSON.stringify([
      {
        type: 'execution_error',
        data: { node_id: '3', node_type: 'KSampler', exception_type: 'RuntimeError', exception_message: 'CUDA' },
      },
    ]);
    expect(resultFromFrame(frame(data)).error).toMatch(/KSampler.*RuntimeError: CUDA/);
  });

  it('refuses output names that would leave the output folder', () => {
    const data = JSON.stringify([{ '9': { images: [{ ...image, filename: '..', subfolder: '' }] } }]);
    const result = resultFromFrame(frame(data));
    expect(result.outputs).toEqual([]);
    expect(result.error).toMatch(/Refused the output file name/);
  });

  it('names a result without task_id by its sink index', () => {
    expect(resultFromFrame(frame('[]', { taskId: undefined })).identity).toBe('sink-4');
  });
});
