import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/errors';
import { parseJson } from '../../../main/comfy/json-bigint';
import { catalogFromObjectInfo } from '../../../main/comfy/node-catalog';
import { starterWorkflow } from '../../../main/comfy/starter';
import { parseWorkflow } from '../../../main/comfy/workflow-parse';
import type { ApiWorkflow } from '../../../main/comfy/workflow-types';
import { assertValidWorkflow, validateWorkflow } from '../../../main/comfy/workflow-validate';

function edited(edit: (workflow: ApiWorkflow) => void, locale: 'en' | 'zh-CN' = 'en'): ApiWorkflow {
  const workflow = starterWorkflow(locale);
  edit(workflow);
  return workflow;
}

function input(workflow: ApiWorkflow, node: string): Record<string, unknown> {
  const found = workflow[node];
  if (!found) throw new Error(`no node ${node}`);
  return found.inputs;
}

describe('validateWorkflow', () => {
  it('finds nothing wrong with the starter sample, in either language', () => {
    expect(validateWorkflow(starterWorkflow())).toEqual([]);
    expect(validateWorkflow(starterWorkflow('zh-CN'))).toEqual([]);
  });

  it('names a link to a missing node, with the node title and input', () => {
    const [problem, ...rest] = validateWorkflow(edited((w) => (input(w, '3').model = ['12', 0])));
    expect(rest).toEqual([]);
    expect(problem).toBeInstanceOf(ValidationError);
    expect(problem?.node).toBe('3');
    expect(problem?.input).toBe('model');
    expect(problem?.message).toBe(
      'Input "model" of "KSampler" (node 3) is linked to node 12, which is not in the workflow. Reconnect the input in ComfyUI and export again.',
    );
  });

  it('uses the Chinese title when the node carries one', () => {
    const [problem] = validateWorkflow(edited((w) => (input(w, '3').model = ['12', 0]), 'zh-CN'));
    expect(problem?.message).toContain('"K采样器" (node 3)');
  });

  it('names a link to an output index the source class does not have', () => {
    const [problem] = validateWorkflow(edited((w) => (input(w, '3').model = ['4', 3])));
    expect(problem?.node).toBe('3');
    expect(problem?.input).toBe('model');
    expect(problem?.message).toContain('output 3 of "Load Checkpoint" (node 4), which has only 3 outputs');
  });

  it('accepts any output index of a class it does not know', () => {
    const workflow = edited((w) => {
      w['20'] = { class_type: 'MyCustomLoader', inputs: {} };
      input(w, '3').model = ['20', 7];
    });
    expect(validateWorkflow(workflow)).toEqual([]);
  });

  it('learns output counts and output nodes from an object_info catalogue', () => {
    const catalog = catalogFromObjectInfo({
      MyCustomLoader: { output: ['MODEL'], output_node: false },
      MyUploader: { output: [], output_node: true },
    });
    const workflow = edited((w) => {
      w['20'] = { class_type: 'MyCustomLoader', inputs: {} };
      input(w, '3').model = ['20', 1];
      w['9'] = { class_type: 'MyUploader', inputs: { images: ['8', 0] } };
    });
    const problems = validateWorkflow(workflow, { catalog });
    expect(problems.map((p) => p.input)).toEqual(['model']);
    expect(problems[0]?.message).toContain('which has only 1 output.');
  });

  describe('with an object_info catalogue', () => {
    // Shaped as GET /object_info answers, parsed bigint-safe so that the 2^64 − 1 seed bound is exact.
    const catalog = catalogFromObjectInfo(
      parseJson(`{
        "KSampler": {"input": {"required": {
          "model": ["MODEL"], "seed": ["INT", {"default": 0, "min": 0, "max": 18446744073709551615}],
          "steps": ["INT", {"default": 20, "min": 1, "max": 10000}], "cfg": ["FLOAT", {"min": 0.0, "max": 100.0}],
          "sampler_name": [["euler", "euler_ancestral", "dpmpp_2m"], {}], "scheduler": ["COMBO", {"options": ["normal", "karras"]}],
          "positive": ["CONDITIONING"], "negative": ["CONDITIONING"], "latent_image": ["LATENT"],
          "denoise": ["FLOAT", {"min": 0.0, "max": 1.0}]}},
          "output": ["LATENT"], "output_node": false},
        "CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": [["sd_xl_base_1.0.safetensors"], {}]}},
          "output": ["MODEL", "CLIP", "VAE"], "output_node": false},
        "SaveImage": {"input": {"required": {"images": ["IMAGE"], "filename_prefix": ["STRING", {}]}}, "output": [], "output_node": true},
        "Broken": "not an entry"
      }`),
    );

    it('names a checkpoint the service does not have, listing what it has', () => {
      const problems = validateWorkflow(starterWorkflow(), { catalog });
      expect(problems.map((p) => [p.node, p.input])).toEqual([['4', 'ckpt_name']]);
      expect(problems[0]?.message).toBe(
        'Input "ckpt_name" of "Load Checkpoint" (node 4) is "v1-5-pruned-emaonly.safetensors", which this service does not offer. Choose one of: sd_xl_base_1.0.safetensors.',
      );
    });

    it('refuses a model for an input whose list is empty, as ComfyUI would, before anything is sent', () => {
      const empty = catalogFromObjectInfo({
        CheckpointLoaderSimple: {
          input: { required: { ckpt_name: [[], {}] } },
          output: ['MODEL', 'CLIP', 'VAE'],
          output_node: false,
        },
      });
      const problems = validateWorkflow(starterWorkflow(), { catalog: empty });
      expect(problems.map((p) => [p.node, p.input, p.code])).toEqual([['4', 'ckpt_name', 'input-choice-none']]);
      expect(problems[0]?.message).toContain('offers no choices for it');
    });

    it('leaves an uploaded input image to the service: it is not in a list read before the upload', () => {
      const withUpload = catalogFromObjectInfo({
        LoadImage: {
          input: { required: { image: [['example.png'], { image_upload: true }] } },
          output: ['IMAGE', 'MASK'],
          output_node: false,
        },
        SaveImage: { input: { required: { images: ['IMAGE'] } }, output: [], output_node: true },
      });
      const workflow: ApiWorkflow = {
        '1': { class_type: 'LoadImage', inputs: { image: 'artlab-0123.png' } },
        '2': { class_type: 'SaveImage', inputs: { images: ['1', 0] } },
      };
      expect(withUpload.get('LoadImage')?.inputs?.image?.upload).toBe(true);
      expect(validateWorkflow(workflow, { catalog: withUpload })).toEqual([]);
    });

    it('checks choices in both object_info shapes, and min/max with exact 64-bit bounds', () => {
      const workflow = edited((w) => {
        Object.assign(input(w, '3'), {
          sampler_name: 'heun',
          scheduler: 'exotic',
          steps: 0,
          seed: 18446744073709551616n,
        });
        input(w, '4').ckpt_name = 'sd_xl_base_1.0.safetensors';
      });
      const problems = validateWorkflow(workflow, { catalog });
      expect(problems.map((p) => p.input)).toEqual(['seed', 'steps', 'sampler_name', 'scheduler']);
      expect(problems[0]?.message).toContain('is 18446744073709551616, above its maximum 18446744073709551615.');
      expect(problems[1]?.message).toContain('is 0, below its minimum 1.');
    });

    it('accepts the largest seed ComfyUI allows', () => {
      const workflow = edited((w) => {
        input(w, '3').seed = 18446744073709551615n;
        input(w, '4').ckpt_name = 'sd_xl_base_1.0.safetensors';
      });
      expect(validateWorkflow(workflow, { catalog })).toEqual([]);
    });

    it('names a required input that is missing', () => {
      const workflow = edited((w) => {
        delete input(w, '9').images;
        input(w, '4').ckpt_name = 'sd_xl_base_1.0.safetensors';
      });
      const [problem] = validateWorkflow(workflow, { catalog });
      expect(problem?.message).toBe(
        'Input "images" of "Save Image" (node 9) is required but missing. Connect or set it in ComfyUI and export again.',
      );
    });
  });

  it('names a node without class_type', () => {
    const workflow = edited((w) => {
      const node = w['5'];
      if (node) delete node.class_type;
    });
    const [problem] = validateWorkflow(workflow);
    expect(problem?.node).toBe('5');
    expect(problem?.message).toContain('"Empty Latent Image" (node 5) has no class_type');
  });

  it('names an input that is neither a literal nor a link', () => {
    const workflow = edited((w) => {
      input(w, '3').cfg = { value: 8 };
      input(w, '3').positive = [6, 0];
      input(w, '3').steps = null;
    });
    const problems = validateWorkflow(workflow);
    expect(problems.map((p) => [p.node, p.input])).toEqual([
      ['3', 'steps'],
      ['3', 'cfg'],
      ['3', 'positive'],
    ]);
    expect(problems[1]?.message).toContain('holds {"value":8}, which is neither a value nor a link');
    expect(problems[2]?.message).toContain('a link must be ["<node id as text>"');
  });

  it('names a loop once, with its nodes in order', () => {
    const workflow = edited((w) => (input(w, '5').width = ['8', 0]));
    const problems = validateWorkflow(workflow);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain(
      'Nodes "KSampler" (node 3) → "Empty Latent Image" (node 5) → "VAE Decode" (node 8) → "KSampler" (node 3) are linked in a loop',
    );
    expect(problems[0]?.node).toBe('3');
    expect(problems[0]?.input).toBe('latent_image');
  });

  it('names a node linked to itself', () => {
    const workflow = edited((w) => (input(w, '8').samples = ['8', 0]));
    const [problem] = validateWorkflow(workflow);
    expect(problem?.node).toBe('8');
    expect(problem?.input).toBe('samples');
    expect(problem?.message).toContain('"VAE Decode" (node 8) → "VAE Decode" (node 8)');
  });

  it('says when there is no output node', () => {
    const workflow = edited((w) => delete w['9']);
    const [problem] = validateWorkflow(workflow);
    expect(problem?.node).toBeUndefined();
    expect(problem?.message).toContain('no output node');
  });

  it('knows video and animation output nodes', () => {
    for (const classType of ['PreviewImage', 'VHS_VideoCombine', 'SaveAnimatedWEBP']) {
      const workflow = edited((w) => (w['9'] = { class_type: classType, inputs: { images: ['8', 0] } }));
      expect(validateWorkflow(workflow)).toEqual([]);
    }
  });

  it('reports every problem, not just the first', () => {
    const workflow = parseWorkflow({
      '1': { inputs: {} },
      '2': { class_type: 'KSampler', inputs: { model: ['99', 0], cfg: [] } },
    });
    expect(validateWorkflow(workflow).map((p) => [p.node, p.input])).toEqual([
      ['1', undefined],
      ['2', 'model'],
      ['2', 'cfg'],
      [undefined, undefined],
    ]);
  });
});

describe('assertValidWorkflow', () => {
  it('returns quietly for a sound workflow', () => {
    expect(() => assertValidWorkflow(starterWorkflow())).not.toThrow();
  });

  it('throws one ValidationError listing every problem', () => {
    const workflow = edited((w) => {
      input(w, '3').model = ['12', 0];
      delete w['9'];
    });
    try {
      assertValidWorkflow(workflow);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const validation = error as ValidationError;
      expect(validation.message).toMatch(/^The workflow has 2 problems:\n1\. Input "model".*\n2\. The workflow has no/);
      expect(validation.node).toBe('3');
      expect(validation.input).toBe('model');
    }
  });
});
