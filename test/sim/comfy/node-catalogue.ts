// The simulator's node classes and their input specs: a small slice of ComfyUI's object_info, enough for the starter
// workflow and a few model-free image nodes. Validation and GET /object_info both read it, so they cannot disagree.
import { stringifyJson } from '../../../main/comfy/json-bigint';

/** `[TYPE, options]` or `[[choices], options]`, as in object_info. */
export type InputSpec = [string | string[], Record<string, unknown>?];

export interface NodeClass {
  name: string;
  display_name: string;
  category: string;
  description: string;
  output_node: boolean;
  required: Record<string, InputSpec>;
  optional?: Record<string, InputSpec>;
  hidden?: Record<string, string>;
  output: string[];
  output_name: string[];
}

/** ComfyUI's seed maximum (2^64 − 1) is beyond JavaScript's safe integers: kept as a bigint, written exactly. */
export const MAX_SEED = 2n ** 64n - 1n;
const MAX_RESOLUTION = 16384;

export const CHECKPOINTS = [
  'v1-5-pruned-emaonly.safetensors',
  'sd_xl_base_1.0.safetensors',
  'dreamshaper_8.safetensors',
  'flux1-schnell-fp8.safetensors',
];
export const SAMPLERS = [
  'euler',
  'euler_cfg_pp',
  'euler_ancestral',
  'heun',
  'dpm_2',
  'dpm_2_ancestral',
  'lms',
  'dpm_fast',
  'dpm_adaptive',
  'dpmpp_2s_ancestral',
  'dpmpp_sde',
  'dpmpp_2m',
  'dpmpp_2m_sde',
  'dpmpp_3m_sde',
  'ddpm',
  'lcm',
  'ddim',
  'uni_pc',
];
export const SCHEDULERS = ['simple', 'sgm_uniform', 'karras', 'exponential', 'ddim_uniform', 'beta', 'normal'];
const UPSCALE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'];

const IMAGE_OUTPUT_HIDDEN = { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' };

export const NODE_CLASSES: Record<string, NodeClass> = {
  CheckpointLoaderSimple: {
    name: 'CheckpointLoaderSimple',
    display_name: 'Load Checkpoint',
    category: 'loaders',
    description: 'Loads a diffusion model checkpoint, diffusion models are used to denoise latents.',
    output_node: false,
    required: { ckpt_name: [CHECKPOINTS, { tooltip: 'The name of the checkpoint (model) to load.' }] },
    output: ['MODEL', 'CLIP', 'VAE'],
    output_name: ['MODEL', 'CLIP', 'VAE'],
  },
  CLIPTextEncode: {
    name: 'CLIPTextEncode',
    display_name: 'CLIP Text Encode (Prompt)',
    category: 'conditioning',
    description: 'Encodes a text prompt using a CLIP model into an embedding.',
    output_node: false,
    required: {
      text: ['STRING', { multiline: true, dynamicPrompts: true, tooltip: 'The text to be encoded.' }],
      clip: ['CLIP', { tooltip: 'The CLIP model used for encoding the text.' }],
    },
    output: ['CONDITIONING'],
    output_name: ['CONDITIONING'],
  },
  EmptyLatentImage: {
    name: 'EmptyLatentImage',
    display_name: 'Empty Latent Image',
    category: 'latent',
    description: 'Create a new batch of empty latent images to be denoised via sampling.',
    output_node: false,
    required: {
      width: ['INT', { default: 512, min: 16, max: MAX_RESOLUTION, step: 8 }],
      height: ['INT', { default: 512, min: 16, max: MAX_RESOLUTION, step: 8 }],
      batch_size: ['INT', { default: 1, min: 1, max: 4096 }],
    },
    output: ['LATENT'],
    output_name: ['LATENT'],
  },
  KSampler: {
    name: 'KSampler',
    display_name: 'KSampler',
    category: 'sampling',
    description: 'Uses the provided model, positive and negative conditioning to denoise the latent image.',
    output_node: false,
    required: {
      model: ['MODEL', {}],
      seed: ['INT', { default: 0, min: 0, max: MAX_SEED, control_after_generate: true }],
      steps: ['INT', { default: 20, min: 1, max: 10000 }],
      cfg: ['FLOAT', { default: 8.0, min: 0.0, max: 100.0, step: 0.1, round: 0.01 }],
      sampler_name: [SAMPLERS, {}],
      scheduler: [SCHEDULERS, {}],
      positive: ['CONDITIONING', {}],
      negative: ['CONDITIONING', {}],
      latent_image: ['LATENT', {}],
      denoise: ['FLOAT', { default: 1.0, min: 0.0, max: 1.0, step: 0.01 }],
    },
    output: ['LATENT'],
    output_name: ['LATENT'],
  },
  VAEDecode: {
    name: 'VAEDecode',
    display_name: 'VAE Decode',
    category: 'latent',
    description: 'Decodes latent images back into pixel space images.',
    output_node: false,
    required: { samples: ['LATENT', {}], vae: ['VAE', {}] },
    output: ['IMAGE'],
    output_name: ['IMAGE'],
  },
  EmptyLatentAudio: {
    name: 'EmptyLatentAudio',
    display_name: 'Empty Latent Audio',
    category: 'latent/audio',
    description: '',
    output_node: false,
    required: {
      seconds: ['FLOAT', { default: 47.6, min: 1.0, max: 1000.0, step: 0.1 }],
      batch_size: ['INT', { default: 1, min: 1, max: 4096, tooltip: 'The number of latent images in the batch.' }],
    },
    output: ['LATENT'],
    output_name: ['LATENT'],
  },
  VAEDecodeAudio: {
    name: 'VAEDecodeAudio',
    display_name: 'VAE Decode Audio',
    category: 'latent/audio',
    description: '',
    output_node: false,
    required: { samples: ['LATENT', {}], vae: ['VAE', {}] },
    output: ['AUDIO'],
    output_name: ['AUDIO'],
  },
  SaveAudio: {
    name: 'SaveAudio',
    display_name: 'Save Audio (FLAC)',
    category: 'audio',
    description: '',
    output_node: true,
    required: {
      audio: ['AUDIO', {}],
      filename_prefix: ['STRING', { default: 'audio/ComfyUI' }],
    },
    hidden: IMAGE_OUTPUT_HIDDEN,
    output: [],
    output_name: [],
  },
  SaveImage: {
    name: 'SaveImage',
    display_name: 'Save Image',
    category: 'image',
    description: 'Saves the input images to your ComfyUI output directory.',
    output_node: true,
    required: {
      images: ['IMAGE', { tooltip: 'The images to save.' }],
      filename_prefix: ['STRING', { default: 'ComfyUI', tooltip: 'The prefix for the file to save.' }],
    },
    hidden: IMAGE_OUTPUT_HIDDEN,
    output: [],
    output_name: [],
  },
  SaveAnimatedWEBP: {
    name: 'SaveAnimatedWEBP',
    display_name: 'SaveAnimatedWEBP',
    category: 'image/animation',
    description: '',
    output_node: true,
    required: {
      images: ['IMAGE', {}],
      filename_prefix: ['STRING', { default: 'ComfyUI' }],
      fps: ['FLOAT', { default: 6.0, min: 0.01, max: 1000.0, step: 0.01 }],
      lossless: ['BOOLEAN', { default: true }],
      quality: ['INT', { default: 80, min: 0, max: 100 }],
      method: [['default', 'fastest', 'slowest'], {}],
    },
    hidden: IMAGE_OUTPUT_HIDDEN,
    output: [],
    output_name: [],
  },
  SaveAnimatedPNG: {
    name: 'SaveAnimatedPNG',
    display_name: 'SaveAnimatedPNG',
    category: 'image/animation',
    description: '',
    output_node: true,
    required: {
      images: ['IMAGE', {}],
      filename_prefix: ['STRING', { default: 'ComfyUI' }],
      fps: ['FLOAT', { default: 6.0, min: 0.01, max: 1000.0, step: 0.01 }],
      compress_level: ['INT', { default: 4, min: 0, max: 9 }],
    },
    hidden: IMAGE_OUTPUT_HIDDEN,
    output: [],
    output_name: [],
  },
  SaveWEBM: {
    name: 'SaveWEBM',
    display_name: 'SaveWEBM',
    category: 'image/video',
    description: '',
    output_node: true,
    required: {
      images: ['IMAGE', {}],
      filename_prefix: ['STRING', { default: 'ComfyUI' }],
      codec: [['vp9', 'av1'], {}],
      fps: ['FLOAT', { default: 24.0, min: 0.01, max: 1000.0, step: 0.01 }],
      crf: ['FLOAT', { default: 32.0, min: 0, max: 63.0, step: 1 }],
    },
    hidden: IMAGE_OUTPUT_HIDDEN,
    output: [],
    output_name: [],
  },
  // VideoHelperSuite's node (a custom node many workflows use): its file is listed under `gifs`.
  VHS_VideoCombine: {
    name: 'VHS_VideoCombine',
    display_name: 'Video Combine 🎥🅥🅗🅢',
    category: 'Video Helper Suite 🎥🅥🅗🅢',
    description: '',
    output_node: true,
    required: {
      images: ['IMAGE', {}],
      frame_rate: ['FLOAT', { default: 8, min: 1, step: 1 }],
      loop_count: ['INT', { default: 0, min: 0, max: 100, step: 1 }],
      filename_prefix: ['STRING', { default: 'AnimateDiff' }],
      format: [['image/gif', 'image/webp', 'video/webm', 'video/h264-mp4'], {}],
      pingpong: ['BOOLEAN', { default: false }],
      save_output: ['BOOLEAN', { default: true }],
    },
    hidden: IMAGE_OUTPUT_HIDDEN,
    output: ['VHS_FILENAMES'],
    output_name: ['Filenames'],
  },
  PreviewImage: {
    name: 'PreviewImage',
    display_name: 'Preview Image',
    category: 'image',
    description: 'Saves the input images to your ComfyUI temp directory.',
    output_node: true,
    required: { images: ['IMAGE', {}] },
    hidden: IMAGE_OUTPUT_HIDDEN,
    output: [],
    output_name: [],
  },
  PrimitiveString: {
    name: 'PrimitiveString',
    display_name: 'String',
    category: 'utils/primitive',
    description: '',
    output_node: false,
    required: { value: ['STRING', {}] },
    output: ['STRING'],
    output_name: ['STRING'],
  },
  PreviewAny: {
    name: 'PreviewAny',
    display_name: 'Preview Any',
    category: 'utils',
    description: '',
    output_node: true,
    required: { source: ['*', {}] },
    output: [],
    output_name: [],
  },
  EmptyImage: {
    name: 'EmptyImage',
    display_name: 'EmptyImage',
    category: 'image',
    description: '',
    output_node: false,
    required: {
      width: ['INT', { default: 512, min: 1, max: MAX_RESOLUTION, step: 1 }],
      height: ['INT', { default: 512, min: 1, max: MAX_RESOLUTION, step: 1 }],
      batch_size: ['INT', { default: 1, min: 1, max: 4096 }],
      color: ['INT', { default: 0, min: 0, max: 0xffffff, step: 1, display: 'color' }],
    },
    output: ['IMAGE'],
    output_name: ['IMAGE'],
  },
  ImageInvert: {
    name: 'ImageInvert',
    display_name: 'Invert Image',
    category: 'image',
    description: '',
    output_node: false,
    required: { image: ['IMAGE', {}] },
    output: ['IMAGE'],
    output_name: ['IMAGE'],
  },
  ImageAddNoise: {
    name: 'ImageAddNoise',
    display_name: 'ImageAddNoise',
    category: 'image',
    description: '',
    output_node: false,
    required: {
      image: ['IMAGE', {}],
      seed: [
        'INT',
        {
          default: 0,
          min: 0,
          max: MAX_SEED,
          control_after_generate: true,
          tooltip: 'The random seed used for creating the noise.',
        },
      ],
      strength: ['FLOAT', { default: 0.5, min: 0.0, max: 1.0, step: 0.01 }],
    },
    output: ['IMAGE'],
    output_name: ['IMAGE'],
  },
  LoadImage: {
    name: 'LoadImage',
    display_name: 'Load Image',
    category: 'image',
    description: '',
    output_node: false,
    // ComfyUI lists the files of its input folder here; the simulator accepts any safe name (see validate-prompt.ts)
    required: { image: [['example.png'], { image_upload: true }] },
    output: ['IMAGE', 'MASK'],
    output_name: ['IMAGE', 'MASK'],
  },
  ImageScale: {
    name: 'ImageScale',
    display_name: 'Upscale Image',
    category: 'image/upscaling',
    description: '',
    output_node: false,
    required: {
      image: ['IMAGE', {}],
      upscale_method: [UPSCALE_METHODS, {}],
      width: ['INT', { default: 512, min: 0, max: MAX_RESOLUTION, step: 1 }],
      height: ['INT', { default: 512, min: 0, max: MAX_RESOLUTION, step: 1 }],
      crop: [['disabled', 'center'], {}],
    },
    output: ['IMAGE'],
    output_name: ['IMAGE'],
  },
  ImageScaleBy: {
    name: 'ImageScaleBy',
    display_name: 'Upscale Image By',
    category: 'image/upscaling',
    description: '',
    output_node: false,
    required: {
      image: ['IMAGE', {}],
      upscale_method: [UPSCALE_METHODS, {}],
      scale_by: ['FLOAT', { default: 1.0, min: 0.01, max: 8.0, step: 0.01 }],
    },
    output: ['IMAGE'],
    output_name: ['IMAGE'],
  },
};

export function findNodeClass(classType: string): NodeClass | undefined {
  return Object.hasOwn(NODE_CLASSES, classType) ? NODE_CLASSES[classType] : undefined;
}

/** Models found beside the built-in ones (a file dropped into the mounted models folder), by folder. */
export interface ExtraModels {
  checkpoints?: readonly string[];
}

/** The node's inputs with its model list grown by the extra models, as ComfyUI rescans its folders on each read. */
function withModels(node: NodeClass, models: ExtraModels): Record<string, InputSpec> {
  const extra = (models.checkpoints ?? []).filter((name) => !CHECKPOINTS.includes(name));
  if (node.name !== 'CheckpointLoaderSimple' || extra.length === 0) return node.required;
  const [, config] = node.required.ckpt_name ?? [];
  return { ...node.required, ckpt_name: [[...CHECKPOINTS, ...extra].sort(), config ?? {}] };
}

function objectInfoEntry(node: NodeClass, models: ExtraModels = {}): Record<string, unknown> {
  const input: Record<string, unknown> = { required: withModels(node, models) };
  const inputOrder: Record<string, string[]> = { required: Object.keys(node.required) };
  if (node.optional) {
    input.optional = node.optional;
    inputOrder.optional = Object.keys(node.optional);
  }
  if (node.hidden) {
    input.hidden = node.hidden;
    inputOrder.hidden = Object.keys(node.hidden);
  }
  return {
    input,
    input_order: inputOrder,
    output: node.output,
    output_is_list: node.output.map(() => false),
    output_name: node.output_name,
    name: node.name,
    display_name: node.display_name,
    description: node.description,
    python_module: 'nodes',
    category: node.category,
    output_node: node.output_node,
  };
}

/**
 * The JSON body of `GET /object_info` (no class) or `GET /object_info/<Class>` (`{}` for an unknown class). A string,
 * because the seed maximum must keep its exact digits, which a JavaScript number cannot.
 */
export function objectInfoJson(classType?: string, models: ExtraModels = {}): string {
  const entries: Record<string, unknown> = {};
  if (classType === undefined) {
    for (const node of Object.values(NODE_CLASSES)) entries[node.name] = objectInfoEntry(node, models);
  } else {
    const node = findNodeClass(classType);
    if (node) entries[node.name] = objectInfoEntry(node, models);
  }
  return stringifyJson(entries);
}
