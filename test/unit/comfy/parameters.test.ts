import { describe, expect, it } from 'vitest';
import { findParameters } from '../../../main/comfy/parameters';
import { starterWorkflow } from '../../../main/comfy/starter';
import { parseWorkflow } from '../../../main/comfy/workflow-parse';
import type { ApiWorkflow } from '../../../main/comfy/workflow-types';
import { describeWorkflow } from '../../../main/comfy/workflow-describe';

function kinds(workflow: ApiWorkflow): Record<string, string> {
  return Object.fromEntries(findParameters(workflow).map((p) => [p.id, p.kind]));
}

describe('findParameters', () => {
  it('finds every editable literal of the starter sample, with its kind', () => {
    expect(kinds(starterWorkflow())).toEqual({
      '6.text': 'positive',
      '7.text': 'negative',
      '3.seed': 'seed',
      '3.steps': 'steps',
      '3.cfg': 'cfg',
      '3.sampler_name': 'sampler',
      '3.scheduler': 'scheduler',
      '3.denoise': 'denoise',
      '5.width': 'width',
      '5.height': 'height',
      '5.batch_size': 'batch_size',
      '4.ckpt_name': 'checkpoint',
      '9.filename_prefix': 'filename_prefix',
    });
  });

  it('describes each parameter with its node, input, label, value, title and class', () => {
    const [positive] = findParameters(starterWorkflow());
    expect(positive).toEqual({
      id: '6.text',
      node: '6',
      input: 'text',
      kind: 'positive',
      label: 'Positive prompt',
      value: 'beautiful scenery nature glass bottle landscape, purple galaxy bottle',
      nodeTitle: 'CLIP Text Encode (Prompt)',
      classType: 'CLIPTextEncode',
    });
  });

  it('tells positive from negative by the sampler links, not by order or title', () => {
    const workflow = starterWorkflow();
    const sampler = workflow['3'];
    if (!sampler) throw new Error('no sampler');
    sampler.inputs.positive = ['7', 0];
    sampler.inputs.negative = ['6', 0];
    expect(kinds(workflow)).toMatchObject({ '6.text': 'negative', '7.text': 'positive' });
  });

  it('finds the same parameters in the Chinese-titled sample, showing the Chinese titles', () => {
    const zh = findParameters(starterWorkflow('zh-CN'));
    const en = findParameters(starterWorkflow());
    expect(zh.map((p) => [p.id, p.kind, p.value])).toEqual(en.map((p) => [p.id, p.kind, p.value]));
    expect(zh.find((p) => p.kind === 'seed')?.nodeTitle).toBe('K采样器');
    expect(zh.find((p) => p.kind === 'width')?.nodeTitle).toBe('空Latent');
  });

  it('follows conditioning through ConditioningCombine and ControlNetApplyAdvanced', () => {
    const workflow = parseWorkflow({
      '1': { class_type: 'CLIPTextEncode', inputs: { text: 'a cat', clip: ['9', 1] } },
      '2': { class_type: 'CLIPTextEncode', inputs: { text: 'a hat', clip: ['9', 1] } },
      '3': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['9', 1] } },
      '4': { class_type: 'ConditioningCombine', inputs: { conditioning_1: ['1', 0], conditioning_2: ['2', 0] } },
      '5': {
        class_type: 'ControlNetApplyAdvanced',
        inputs: { positive: ['4', 0], negative: ['3', 0], control_net: ['10', 0], image: ['11', 0], strength: 1 },
      },
      '6': { class_type: 'KSampler', inputs: { positive: ['5', 0], negative: ['5', 1], seed: 1 } },
    });
    expect(kinds(workflow)).toMatchObject({
      '1.text': 'positive',
      '2.text': 'positive',
      '3.text': 'negative',
      '5.strength': 'other',
    });
  });

  it('finds a prompt kept in a text node linked to the encoder', () => {
    const workflow = parseWorkflow({
      '1': { class_type: 'PrimitiveStringMultiline', inputs: { value: 'a lighthouse at dusk' } },
      '2': { class_type: 'CLIPTextEncode', inputs: { text: ['1', 0], clip: ['9', 1] } },
      '3': { class_type: 'KSampler', inputs: { positive: ['2', 0], negative: ['2', 0] } },
    });
    expect(kinds(workflow)).toEqual({ '1.value': 'prompt' });
  });

  it('calls a text that no sampler reaches a plain prompt', () => {
    const workflow = parseWorkflow({
      '1': { class_type: 'CLIPTextEncodeSDXL', inputs: { text_g: 'castle', text_l: 'castle', width: 1024 } },
    });
    expect(kinds(workflow)).toEqual({ '1.text_g': 'prompt', '1.text_l': 'prompt', '1.width': 'width' });
  });

  it('finds noise_seed on KSamplerAdvanced and lists unknown literals as other', () => {
    const workflow = parseWorkflow({
      '1': { class_type: 'KSamplerAdvanced', inputs: { noise_seed: 5, add_noise: 'enable', start_at_step: 0 } },
    });
    expect(findParameters(workflow).map((p) => [p.id, p.kind, p.label])).toEqual([
      ['1.noise_seed', 'seed', 'Seed'],
      ['1.add_noise', 'other', 'add_noise'],
      ['1.start_at_step', 'other', 'start_at_step'],
    ]);
  });
});

describe('describeWorkflow', () => {
  it('summarises the starter sample', () => {
    expect(describeWorkflow(starterWorkflow('zh-CN'))).toEqual({
      positive: 'beautiful scenery nature glass bottle landscape, purple galaxy bottle',
      negative: 'text, watermark',
      seed: '156680208700286',
      steps: 20,
      cfg: 8,
      sampler: 'euler',
      scheduler: 'normal',
      model: 'v1-5-pruned-emaonly.safetensors',
      width: 512,
      height: 512,
      batch: 1,
    });
  });

  it('gives a seed beyond 2^53 as exact decimal text', () => {
    const workflow = parseWorkflow(
      '{"1": {"class_type": "KSampler", "inputs": {"seed": 18446744073709551615}}, "2": {"class_type": "SaveImage", "inputs": {}}}',
    );
    expect(describeWorkflow(workflow).seed).toBe('18446744073709551615');
  });

  it('leaves out what the workflow does not have', () => {
    const summary = describeWorkflow(parseWorkflow({ '1': { class_type: 'SaveImage', inputs: {} } }));
    expect(Object.values(summary).every((v) => v === null)).toBe(true);
  });
});
