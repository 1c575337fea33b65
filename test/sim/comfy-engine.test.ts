import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ExecutionCache, objectInfoJson, runPrompt, validatePrompt } from './comfy/engine';
import type { ApiPrompt, ComfyEvent, OutputFile, PromptErrorBody, RunResult } from './comfy/engine-types';
import { decodePng } from './comfy/png';

const starter = JSON.parse(readFileSync('main/comfy/starter-workflow.json', 'utf8')) as ApiPrompt;

function starterWith(patch: (prompt: ApiPrompt) => void): ApiPrompt {
  const prompt = structuredClone(starter);
  patch(prompt);
  return prompt;
}

function rejected(prompt: unknown): PromptErrorBody {
  const result = validatePrompt(prompt);
  if (result.ok) throw new Error('expected the prompt to be rejected');
  return result.body;
}

interface Run {
  result: RunResult;
  events: ComfyEvent[];
  files: Map<string, Buffer>;
}

async function run(
  prompt: ApiPrompt,
  options: {
    stepMs?: number;
    signal?: AbortSignal;
    extra?: object;
    onEvent?: (event: ComfyEvent) => void;
    cache?: ExecutionCache;
  } = {},
): Promise<Run> {
  const validation = validatePrompt(prompt);
  if (!validation.ok) throw new Error(JSON.stringify(validation.body));
  const events: ComfyEvent[] = [];
  const files = new Map<string, Buffer>();
  let counter = 0;
  const result = await runPrompt({
    promptId: 'p-1',
    prompt,
    outputNodes: validation.outputNodes,
    extraPngInfo: { workflow: options.extra ?? { nodes: [] } },
    stepMs: options.stepMs ?? 0,
    signal: options.signal ?? new AbortController().signal,
    ...(options.cache ? { cache: options.cache } : {}),
    emit: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
    writeFile: (file: OutputFile, bytes: Buffer) => {
      files.set(`${file.type}/${file.subfolder}/${file.filename}`, bytes);
      return Promise.resolve();
    },
    nameFile: (prefix, _index, extension) => {
      counter += 1;
      return { filename: `${prefix}_${String(counter).padStart(5, '0')}_.${extension}`, subfolder: '' };
    },
  });
  return { result, events, files };
}

describe('prompt validation', () => {
  it('accepts the starter workflow and names its output node', () => {
    expect(validatePrompt(starter)).toEqual({ ok: true, outputNodes: ['9'], nodeErrors: {} });
  });

  it('rejects an unknown class as invalid_prompt without node errors', () => {
    const body = rejected(starterWith((p) => void (p['4'] = { class_type: 'NoSuchNode', inputs: {} })));
    expect(body.error.type).toBe('invalid_prompt');
    expect(body.error.message).toBe('Cannot execute because node NoSuchNode does not exist.');
    expect(body.node_errors).toEqual({});
  });

  it('reports a missing required input with its name', () => {
    const body = rejected(starterWith((p) => delete p['3']?.inputs.steps));
    expect(body.error.type).toBe('prompt_outputs_failed_validation');
    const nodeError = body.node_errors['3'];
    expect(nodeError?.class_type).toBe('KSampler');
    expect(nodeError?.dependent_outputs).toEqual(['9']);
    expect(nodeError?.errors[0]).toMatchObject({ type: 'required_input_missing', extra_info: { input_name: 'steps' } });
  });

  it('reports numbers out of range with the received value', () => {
    const small = rejected(starterWith((p) => p['3'] && (p['3'].inputs.steps = 0)));
    expect(small.node_errors['3']?.errors[0]).toMatchObject({
      type: 'value_smaller_than_min',
      extra_info: { input_name: 'steps', received_value: 0 },
    });
    const big = rejected(starterWith((p) => p['3'] && (p['3'].inputs.denoise = 1.5)));
    expect(big.node_errors['3']?.errors[0]?.type).toBe('value_bigger_than_max');
  });

  it('takes the seed maximum 2^64 − 1 exactly and refuses one more, as ComfyUI does', () => {
    expect(validatePrompt(starterWith((p) => p['3'] && (p['3'].inputs.seed = 2n ** 64n - 1n))).ok).toBe(true);
    const over = rejected(starterWith((p) => p['3'] && (p['3'].inputs.seed = 2n ** 64n)));
    expect(over.node_errors['3']?.errors[0]).toMatchObject({
      type: 'value_bigger_than_max',
      extra_info: { input_name: 'seed' },
    });
  });

  it('reports a value that cannot be converted as invalid_input_type', () => {
    const body = rejected(starterWith((p) => p['5'] && (p['5'].inputs.width = 'wide')));
    expect(body.node_errors['5']?.errors[0]).toMatchObject({
      type: 'invalid_input_type',
      extra_info: { input_name: 'width' },
    });
  });

  it('reports a choice outside its list as value_not_in_list', () => {
    const body = rejected(starterWith((p) => p['3'] && (p['3'].inputs.sampler_name = 'magic')));
    expect(body.node_errors['3']?.errors[0]?.type).toBe('value_not_in_list');
  });

  it('reports a link to a missing node as exception_during_validation on the output node', () => {
    const body = rejected(starterWith((p) => p['8'] && (p['8'].inputs.samples = ['99', 0])));
    expect(body.error.type).toBe('prompt_outputs_failed_validation');
    expect(body.node_errors['9']?.errors[0]).toMatchObject({
      type: 'exception_during_validation',
      details: "'99'",
      extra_info: { exception_type: 'KeyError' },
    });
  });

  it('reports a link of the wrong type as return_type_mismatch', () => {
    const body = rejected(starterWith((p) => p['8'] && (p['8'].inputs.samples = ['4', 0])));
    expect(body.node_errors['8']?.errors[0]?.type).toBe('return_type_mismatch');
  });

  it('rejects a prompt without output nodes as prompt_no_outputs', () => {
    const body = rejected(starterWith((p) => delete p['9']));
    expect(body.error).toMatchObject({ type: 'prompt_no_outputs', message: 'Prompt has no outputs' });
  });
});

describe('object_info', () => {
  it('describes every class with its inputs and keeps the seed maximum exact', () => {
    const text = objectInfoJson();
    expect(text).toContain('"max":18446744073709551615');
    const info = JSON.parse(text) as Record<string, { output_node: boolean; input: { required: object } }>;
    expect(Object.keys(info)).toEqual(expect.arrayContaining(['KSampler', 'SaveImage', 'EmptyImage', 'ImageScaleBy']));
    expect(info.SaveImage?.output_node).toBe(true);
    expect(objectInfoJson('Nope')).toBe('{}');
  });
});

describe('prompt execution', () => {
  it('sends the events of a run in ComfyUI order', async () => {
    const { result, events } = await run(starterWith((p) => p['3'] && (p['3'].inputs.steps = 3)));
    expect(result.status).toBe('success');
    const types = events
      .filter((e) => e.type !== 'progress_state')
      .map((e) => `${e.type}:${typeof e.data.node === 'string' ? e.data.node : ''}`);
    expect(types).toEqual([
      'execution_start:',
      'execution_cached:',
      'executing:4',
      'executing:6',
      'executing:7',
      'executing:5',
      'executing:3',
      'progress:3',
      'progress:3',
      'progress:3',
      'executing:8',
      'executing:9',
      'executed:9',
      'execution_success:',
    ]);
    expect(events.filter((e) => e.type === 'progress').map((e) => e.data.value)).toEqual([1, 2, 3]);
    const lastState = events.filter((e) => e.type === 'progress_state').at(-1);
    expect(lastState?.data.nodes).toMatchObject({ '9': { state: 'finished' }, '3': { state: 'finished', max: 3 } });
  });

  it('writes real PNGs sized by the latent, one per batch item, with the prompt and workflow as tEXt', async () => {
    const prompt = starterWith((p) => {
      if (p['5']) p['5'].inputs = { width: 256, height: 128, batch_size: 2 };
      if (p['3']) p['3'].inputs.steps = 1;
    });
    const { result, files } = await run(prompt, { extra: { nodes: [1, 2] } });
    if (result.status !== 'success') throw new Error(result.status);
    expect(result.outputs['9']?.images).toEqual([
      { filename: 'ComfyUI_00001_.png', subfolder: '', type: 'output' },
      { filename: 'ComfyUI_00002_.png', subfolder: '', type: 'output' },
    ]);
    const bytes = files.get('output//ComfyUI_00001_.png');
    if (!bytes) throw new Error('no file');
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 256, 128]);
    const png = decodePng(bytes);
    expect(JSON.parse(png.text.prompt ?? '')).toEqual(prompt);
    expect(JSON.parse(png.text.workflow ?? '')).toEqual({ nodes: [1, 2] });
    expect(files.get('output//ComfyUI_00002_.png')?.equals(bytes)).toBe(false);
  });

  it('draws the same pixels for the same seed and text, different ones for another seed', async () => {
    const small = (seed: number): ApiPrompt =>
      starterWith((p) => {
        if (p['5']) p['5'].inputs = { width: 64, height: 64, batch_size: 1 };
        if (p['3']) p['3'].inputs = { ...p['3'].inputs, steps: 1, seed };
      });
    const pixels = async (prompt: ApiPrompt): Promise<Buffer | undefined> =>
      decodePng([...(await run(prompt)).files.values()][0] ?? Buffer.alloc(0)).pixels;
    const a = await pixels(small(1));
    expect(a?.equals((await pixels(small(1))) ?? Buffer.alloc(0))).toBe(true);
    expect(a?.equals((await pixels(small(2))) ?? Buffer.alloc(0))).toBe(false);
  });

  it('runs model-free image nodes', async () => {
    const prompt: ApiPrompt = {
      '1': { class_type: 'EmptyImage', inputs: { width: 40, height: 30, batch_size: 1, color: 0xff0000 } },
      '2': { class_type: 'ImageScaleBy', inputs: { image: ['1', 0], upscale_method: 'area', scale_by: 2 } },
      '3': { class_type: 'PreviewImage', inputs: { images: ['2', 0] } },
    };
    const { result, files } = await run(prompt);
    expect(result.status).toBe('success');
    const [key, bytes] = [...files.entries()][0] ?? ['', Buffer.alloc(0)];
    expect(key).toMatch(/^temp\/\/ComfyUI_temp_\w+_00001_\.png$/);
    const png = decodePng(bytes);
    expect([png.width, png.height, [...(png.pixels?.subarray(0, 3) ?? [])]]).toEqual([80, 60, [255, 0, 0]]);
  });

  it('turns a __fail__ prompt text into an execution_error', async () => {
    const { result, events } = await run(starterWith((p) => p['6'] && (p['6'].inputs.text = 'a __fail__ cat')));
    expect(result.status).toBe('error');
    const error = events.at(-1);
    expect(error?.type).toBe('execution_error');
    expect(error?.data).toMatchObject({ node_id: '6', node_type: 'CLIPTextEncode', exception_type: 'RuntimeError' });
    expect(error?.data.executed).toEqual(['4']);
  });

  it('stops between sampler steps when interrupted', async () => {
    const controller = new AbortController();
    const { result, events } = await run(
      starterWith((p) => p['3'] && (p['3'].inputs.steps = 50)),
      {
        stepMs: 5,
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'progress' && event.data.value === 2) controller.abort();
        },
      },
    );
    expect(result.status).toBe('interrupted');
    expect(result.outputs).toEqual({});
    expect(events.at(-1)).toMatchObject({
      type: 'execution_interrupted',
      data: { node_id: '3', node_type: 'KSampler' },
    });
    expect(events.filter((e) => e.type === 'progress').length).toBe(2);
  });

  it('with a cache, skips nodes whose inputs did not change and lists them in execution_cached', async () => {
    const cache = new ExecutionCache();
    await run(starter, { cache });
    const same = await run(starter, { cache });
    expect(same.events.find((e) => e.type === 'execution_cached')?.data.nodes).toEqual([
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    expect(same.events.some((e) => e.type === 'executing' || e.type === 'progress')).toBe(false);
    expect(same.files.size).toBe(0);
    expect(same.result.outputs['9']).toBeDefined();
    const reseeded = await run(
      starterWith((p) => p['3'] && (p['3'].inputs.seed = 1)),
      { cache },
    );
    expect(reseeded.events.find((e) => e.type === 'execution_cached')?.data.nodes).toEqual(['4', '5', '6', '7']);
    expect(reseeded.files.size).toBe(1);
  });

  it('stops before the first node when the signal is already aborted', async () => {
    const { result, events } = await run(starter, { signal: AbortSignal.abort() });
    expect(result.status).toBe('interrupted');
    expect(events.map((e) => e.type)).toEqual(['execution_start', 'execution_cached', 'execution_interrupted']);
  });

  it('encodes 512×512 images quickly enough for long batches', async () => {
    const started = performance.now();
    for (let i = 0; i < 10; i += 1) await run(starterWith((p) => p['3'] && (p['3'].inputs.seed = i)));
    expect((performance.now() - started) / 10).toBeLessThan(300);
  });
});
