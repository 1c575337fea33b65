import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../main/comfy/json-bigint';
import { catalogFromObjectInfo } from '../../../main/comfy/node-catalog';
import { starterWorkflow } from '../../../main/comfy/starter';
import { parameterForm } from '../../../main/workflows/workflow-form';
import type { ApiWorkflow } from '../../../main/comfy/workflow-types';

// A slice of a real /object_info: KSampler's numbers with step and round, EmptyLatentImage's steps of 8.
const objectInfo = parseJson(`{
  "KSampler": {"input": {"required": {
    "model": ["MODEL"],
    "seed": ["INT", {"default": 0, "min": 0, "max": 18446744073709551615, "control_after_generate": true}],
    "steps": ["INT", {"default": 20, "min": 1, "max": 10000}],
    "cfg": ["FLOAT", {"default": 8.0, "min": 0.0, "max": 100.0, "step": 0.1, "round": 0.01}],
    "sampler_name": [["euler", "dpmpp_2m"], {}],
    "scheduler": ["COMBO", {"options": ["normal", "karras"]}],
    "positive": ["CONDITIONING"], "negative": ["CONDITIONING"], "latent_image": ["LATENT"],
    "denoise": ["FLOAT", {"default": 1.0, "min": 0.0, "max": 1.0, "step": 0.01, "round": false}]}},
    "output": ["LATENT"], "output_node": false},
  "EmptyLatentImage": {"input": {"required": {
    "width": ["INT", {"default": 512, "min": 16, "max": 16384, "step": 8}],
    "height": ["INT", {"default": 512, "min": 16, "max": 16384, "step": "eight"}],
    "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096, "step": 0.5}]}},
    "output": ["LATENT"], "output_node": false}
}`);

describe('catalogFromObjectInfo: step and round', () => {
  const catalog = catalogFromObjectInfo(objectInfo);

  it('reads step and round where the server gives them, and skips malformed ones', () => {
    const sampler = catalog.get('KSampler')?.inputs;
    expect(sampler?.cfg).toEqual({ required: true, min: 0, max: 100, step: 0.1, round: 0.01 });
    expect(sampler?.denoise).toMatchObject({ step: 0.01, round: false });
    expect(sampler?.steps).toEqual({ required: true, min: 1, max: 10000 });
    const latent = catalog.get('EmptyLatentImage')?.inputs;
    expect(latent?.width?.step).toBe(8);
    expect(latent?.height).toEqual({ required: true, min: 16, max: 16384 });
    expect(catalog.size).toBe(2);
  });

  it('gives the form its step: a number field as it is, an integer field only a whole one', () => {
    const fields = parameterForm(starterWorkflow(), catalog);
    const field = (input: string) => fields.find((candidate) => candidate.input === input);
    expect(field('cfg')).toMatchObject({ control: 'number', min: 0, max: 100, step: 0.1 });
    expect(field('denoise')).toMatchObject({ control: 'number', step: 0.01 });
    expect(field('width')).toMatchObject({ control: 'integer', min: 16, max: 16384, step: 8 });
    expect(field('height')?.step).toBeUndefined();
    expect(field('batch_size')?.step).toBeUndefined();
    expect(field('steps')?.step).toBeUndefined();
  });
});

describe('parameterForm: input images', () => {
  const workflow = parseJson(`{
    "1": {"class_type": "LoadImage", "inputs": {"image": "example.png"}},
    "2": {"class_type": "LoadImageMask", "inputs": {"image": "mask.png", "channel": "alpha"}},
    "3": {"class_type": "FancyLoader", "inputs": {"picture": "photo.jpg", "mode": "fit"}},
    "4": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "out"}}
  }`) as ApiWorkflow;

  it('draws LoadImage-style inputs as image fields, right after the prompts, even without a catalogue', () => {
    const fields = parameterForm(workflow);
    expect(fields.slice(0, 2).map((field) => [field.id, field.kind, field.control])).toEqual([
      ['1.image', 'image', 'image'],
      ['2.image', 'image', 'image'],
    ]);
    expect(fields.find((field) => field.id === '3.picture')?.control).toBe('text');
  });

  it("takes a custom node's upload input from the catalogue, without its list of files as choices", () => {
    const catalog = catalogFromObjectInfo(
      parseJson(`{
        "LoadImage": {"input": {"required": {"image": [["example.png", "other.png"], {"image_upload": true}]}},
          "output": ["IMAGE", "MASK"], "output_node": false},
        "FancyLoader": {"input": {"required": {"picture": [["photo.jpg"], {"image_upload": true}],
          "mode": [["fit", "fill"], {}]}}, "output": ["IMAGE"], "output_node": false}
      }`),
    );
    const fields = parameterForm(workflow, catalog);
    const field = (id: string) => fields.find((candidate) => candidate.id === id);
    expect(field('1.image')).toMatchObject({ control: 'image' });
    expect(field('1.image')?.choices).toBeUndefined();
    expect(field('3.picture')).toMatchObject({ kind: 'other', control: 'image' });
    expect(field('3.mode')).toMatchObject({ control: 'choice', choices: ['fit', 'fill'] });
  });
});
