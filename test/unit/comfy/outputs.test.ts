import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/errors';
import { starterWorkflow } from '../../../main/comfy/starter';
import {
  filesFromExecuted,
  filesFromOutputs,
  MAX_OUTPUT_TEXTS,
  parseSinkData,
  resultFromHistory,
  resultFromHistoryEntry,
} from '../../../main/comfy/outputs';

const image = { filename: 'ComfyUI_1712647318_8e7f_.png', subfolder: '', type: 'output' };
const video = { filename: 'comfyUI_00001.mp4', subfolder: '', type: 'output', format: 'video/h264-mp4' };

const imageFile = { node: '9', kind: 'images', ...image };
const videoFile = { node: '19', kind: 'gifs', ...video };

describe('parseSinkData', () => {
  it('reads the published example: executed items and the outputs map, de-duplicated', () => {
    const data = JSON.stringify([
      { type: 'executed', data: { node: '9', output: { images: [image] }, prompt_id: 'c3c9' } },
      { type: 'executed', data: { node: '19', output: { gifs: [video] }, prompt_id: 'c3c9' } },
      { '9': { images: [image] }, '19': { gifs: [video] } },
    ]);
    expect(parseSinkData(data)).toEqual({ status: 'success', files: [imageFile, videoFile] });
  });

  it('reads a result that carries only the outputs map', () => {
    const data = JSON.stringify([{ '9': { images: [image] }, '19': { gifs: [video] } }]);
    expect(parseSinkData(data)).toEqual({ status: 'success', files: [imageFile, videoFile] });
  });

  it('reads bytes as well as text', () => {
    const data = Buffer.from(JSON.stringify([{ '9': { images: [image] } }]));
    expect(parseSinkData(data).files).toEqual([imageFile]);
  });

  it('keeps files with the same name in different subfolders or nodes apart', () => {
    const data = JSON.stringify([
      { '9': { images: [image, { ...image, subfolder: 'day2' }] }, '10': { images: [image] } },
    ]);
    expect(parseSinkData(data).files.map((f) => [f.node, f.subfolder])).toEqual([
      ['9', ''],
      ['9', 'day2'],
      ['10', ''],
    ]);
  });

  it('marks animated images and lists unknown kinds as files, skipping non-file items', () => {
    const data = JSON.stringify([
      {
        '12': { images: [{ filename: 'a.webp', subfolder: 'anim', type: 'output' }], animated: [true] },
        '13': { audio: [{ filename: 'a.flac', subfolder: '', type: 'output' }], text: ['hello'] },
      },
    ]);
    expect(parseSinkData(data).files).toEqual([
      { node: '12', kind: 'images', filename: 'a.webp', subfolder: 'anim', type: 'output', animated: true },
      { node: '13', kind: 'audio', filename: 'a.flac', subfolder: '', type: 'output' },
    ]);
  });

  it('fails a result with an execution_error item, naming the node by its title', () => {
    const data = JSON.stringify([
      {
        type: 'execution_error',
        data: {
          prompt_id: 'c3c9',
          node_id: '4',
          node_type: 'CheckpointLoaderSimple',
          exception_type: 'FileNotFoundError',
          exception_message: 'Model in folder checkpoints with filename x.safetensors not found.',
        },
      },
    ]);
    expect(parseSinkData(data, { workflow: starterWorkflow('zh-CN') })).toEqual({
      status: 'error',
      files: [],
      error:
        'ComfyUI failed at "Checkpoint加载器(简易)" (node 4): FileNotFoundError: Model in folder checkpoints with filename x.safetensors not found.',
    });
    const untitled = parseSinkData(data);
    expect(untitled.status === 'error' && untitled.error).toContain('"CheckpointLoaderSimple" (node 4)');
  });

  it('fails a result whose data is not JSON, showing what it said', () => {
    expect(parseSinkData('Internal Server Error')).toEqual({
      status: 'error',
      files: [],
      error: 'The service returned: Internal Server Error',
    });
    const empty = parseSinkData('');
    expect(empty.status === 'error' && empty.error).toContain('empty');
  });

  it('fails a result whose bytes are not UTF-8', () => {
    expect(parseSinkData(new Uint8Array([0xff, 0xfe, 0x00]))).toMatchObject({ status: 'error' });
  });

  it('fails a result with an error message and no files', () => {
    expect(parseSinkData(JSON.stringify({ message: 'prompt has no outputs' }))).toEqual({
      status: 'error',
      files: [],
      error: 'The service reported: prompt has no outputs',
    });
    expect(parseSinkData(JSON.stringify([{ message: 'out of memory' }]))).toMatchObject({ status: 'error' });
  });

  it('keeps a result with files even when it also carries a message', () => {
    const data = JSON.stringify([{ message: 'done with warnings', '9': { images: [image] } }]);
    expect(parseSinkData(data)).toEqual({ status: 'success', files: [imageFile] });
  });

  it('redacts a token that an error text carries', () => {
    const result = parseSinkData('authorization: Zm9vYmFyLXNlY3JldA== refused');
    expect(result).toMatchObject({ status: 'error' });
    expect(JSON.stringify(result)).not.toContain('Zm9vYmFyLXNlY3JldA==');
  });

  it('reports an interrupted run as interrupted', () => {
    const data = JSON.stringify([{ type: 'execution_interrupted', data: { node_id: '3', node_type: 'KSampler' } }]);
    expect(parseSinkData(data)).toEqual({
      status: 'interrupted',
      files: [],
      error: 'The job was interrupted at "KSampler" (node 3).',
    });
  });

  it('never throws on arbitrary text, bytes or JSON', () => {
    const anyInput = fc.oneof(
      fc.string(),
      fc.uint8Array().map((bytes) => bytes),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc
        .array(
          fc.record({
            type: fc.constantFrom('executed', 'execution_error', 'x'),
            data: fc.anything(),
          }),
        )
        .map((value) => JSON.stringify(value) ?? ''),
    );
    fc.assert(
      fc.property(anyInput, (input) => {
        try {
          const result = parseSinkData(input);
          expect(['success', 'error', 'interrupted']).toContain(result.status);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('history', () => {
  const entry = {
    prompt: [3, 'p1', starterWorkflow(), {}, ['9']],
    outputs: { '9': { images: [image] } },
    status: { status_str: 'success', completed: true, messages: [['execution_start', { prompt_id: 'p1' }]] },
    meta: { '9': { node_id: '9', display_node: '9' } },
  };

  it('is undefined while the prompt is pending or unknown', () => {
    expect(resultFromHistory({}, 'p1')).toBeUndefined();
  });

  it('lists the files of a finished prompt', () => {
    expect(resultFromHistory({ p1: entry }, 'p1')).toEqual({ status: 'success', files: [imageFile] });
  });

  it('fails an entry with an execution_error message, naming the node by the title in its prompt', () => {
    const failed = {
      ...entry,
      outputs: {},
      status: {
        status_str: 'error',
        completed: false,
        messages: [
          ['execution_start', { prompt_id: 'p1' }],
          ['execution_error', { node_id: '3', node_type: 'KSampler', exception_message: 'CUDA out of memory' }],
        ],
      },
    };
    expect(resultFromHistoryEntry(failed)).toEqual({
      status: 'error',
      files: [],
      error: 'ComfyUI failed at "KSampler" (node 3): CUDA out of memory',
    });
  });

  it('reports an interrupted prompt as interrupted', () => {
    const interrupted = {
      outputs: {},
      status: {
        status_str: 'error',
        completed: false,
        messages: [['execution_interrupted', { prompt_id: 'p1', node_id: '3', node_type: 'KSampler', executed: [] }]],
      },
    };
    expect(resultFromHistoryEntry(interrupted)).toEqual({
      status: 'interrupted',
      files: [],
      error: 'The job was interrupted at "KSampler" (node 3).',
    });
  });

  it('fails an entry with an execution_error even when an earlier node saved files, keeping them', () => {
    const partial = {
      outputs: { '9': { images: [image] } },
      status: {
        status_str: 'error',
        completed: false,
        messages: [['execution_error', { node_id: '12', node_type: 'Upscale', exception_message: 'boom' }]],
      },
    };
    expect(resultFromHistoryEntry(partial)).toEqual({
      status: 'error',
      files: [imageFile],
      error: 'ComfyUI failed at "Upscale" (node 12): boom',
    });
  });

  it('fails an entry whose status is error even without details', () => {
    const failed = { outputs: {}, status: { status_str: 'error', completed: false, messages: [] } };
    expect(resultFromHistoryEntry(failed)).toMatchObject({ status: 'error' });
  });

  it('refuses a reply that is not a history object', () => {
    expect(() => resultFromHistory([], 'p1')).toThrow(ValidationError);
    expect(() => resultFromHistoryEntry('nope')).toThrow(ValidationError);
  });
});

describe('executed events and outputs maps', () => {
  it('reads the files of one executed event', () => {
    expect(filesFromExecuted({ node: '9', display_node: '9', output: { images: [image] }, prompt_id: 'p' })).toEqual([
      imageFile,
    ]);
  });

  it('reads an outputs map and ignores what is not one', () => {
    expect(filesFromOutputs({ '9': { images: [image] } })).toEqual([imageFile]);
    expect(filesFromOutputs(null)).toEqual([]);
  });
});

describe('text outputs', () => {
  it('keeps the strings of a `text` output, cleaned, once each and at most 32', () => {
    const texts = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    const result = resultFromHistoryEntry({
      outputs: {
        '5': { text: ['a caption\u0000 with a NUL\tand a tab', 7, { not: 'text' }, ''] },
        '6': { text: [...texts, 'line 0'] },
      },
      status: { status_str: 'success', completed: true, messages: [] },
    });
    expect(result.status).toBe('success');
    expect(result.files).toEqual([]);
    expect(result.texts?.[0]).toBe('a caption with a NUL\tand a tab');
    expect(result.texts).toHaveLength(MAX_OUTPUT_TEXTS);
  });

  it('reads a sink frame that only shows text as a success with its text', () => {
    const data = JSON.stringify([{ type: 'executed', data: { node: '2', output: { text: ['hello'] } } }]);
    expect(parseSinkData(data)).toEqual({ status: 'success', files: [], texts: ['hello'] });
  });
});
