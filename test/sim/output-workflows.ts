// Workflows for the simulator's output nodes that more than one suite runs (integration and e2e).
import type { ApiWorkflow } from '../../main/comfy/workflow-types';

/**
 * A PreviewImage that runs first (node 2, a `size`² canvas of `color`), then a sampler of `steps` steps whose image is
 * saved: the preview is shown while the job still runs for `steps` × the simulator's step time.
 */
export function slowPreviewWorkflow(options: { steps: number; color: number; size?: number }): ApiWorkflow {
  const size = options.size ?? 64;
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: size, height: size, batch_size: 1, color: options.color } },
    '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    '10': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
    '11': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
    '12': { class_type: 'CLIPTextEncode', inputs: { text: 'a slow owl', clip: ['10', 1] } },
    '13': {
      class_type: 'KSampler',
      inputs: {
        model: ['10', 0],
        positive: ['12', 0],
        negative: ['12', 0],
        latent_image: ['11', 0],
        seed: 1,
        steps: options.steps,
        cfg: 7,
        sampler_name: 'euler',
        scheduler: 'normal',
        denoise: 1,
      },
    },
    '14': { class_type: 'VAEDecode', inputs: { samples: ['13', 0], vae: ['10', 2] } },
    '15': { class_type: 'SaveImage', inputs: { images: ['14', 0], filename_prefix: 'slow' } },
  };
}

/** VideoHelperSuite's Video Combine over `images`, saving a WebM (listed under `gifs`). */
export function videoCombineNode(images: [string, number], prefix = 'vhs'): ApiWorkflow[string] {
  return {
    class_type: 'VHS_VideoCombine',
    inputs: {
      images,
      frame_rate: 8,
      loop_count: 0,
      filename_prefix: prefix,
      format: 'video/webm',
      pingpong: false,
      save_output: true,
    },
  };
}

/**
 * A batch of `frames` noisy canvases (frames that differ: an encoder folds identical ones into one) saved twice: as
 * one animated WEBP (node 3, `<prefix>-webp`) and one APNG (node 4, `<prefix>-png`). Model-free: a real ComfyUI runs it.
 */
export function animationWorkflow(options: {
  color: number;
  frames: number;
  size?: number;
  prefix: string;
}): ApiWorkflow {
  const size = options.size ?? 32;
  return {
    '1': {
      class_type: 'EmptyImage',
      inputs: { width: size, height: size, batch_size: options.frames, color: options.color },
    },
    '2': { class_type: 'ImageAddNoise', inputs: { image: ['1', 0], seed: 3, strength: 0.6 } },
    '3': {
      class_type: 'SaveAnimatedWEBP',
      inputs: {
        images: ['2', 0],
        filename_prefix: `${options.prefix}-webp`,
        fps: 6,
        lossless: false,
        quality: 80,
        method: 'default',
      },
    },
    '4': {
      class_type: 'SaveAnimatedPNG',
      inputs: { images: ['2', 0], filename_prefix: `${options.prefix}-png`, fps: 6, compress_level: 4 },
    },
  };
}
