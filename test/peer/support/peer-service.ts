// The real ComfyUI the peer suite talks to (COMFYUI_URL, started by ../shared/peers/comfyui/setup.sh), and the
// model-free workflows it can run: that server has no model files, so only image nodes such as EmptyImage work.
import { randomInt } from 'node:crypto';
import type { ApiWorkflow } from '../../../main/comfy/workflow-types';

/** The server's URL with a trailing slash, as the console's call information gives it. */
export function comfyUrl(): string {
  const url = process.env.COMFYUI_URL;
  if (!url) throw new Error('COMFYUI_URL is not set: run the peer suite with npm run test:peer');
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * A colour no earlier prompt used: ComfyUI serves an unchanged node from its cache, so a test that wants fresh files
 * starts its graph from a colour of its own.
 */
export function freshColor(): number {
  return randomInt(0, 0xffffff + 1);
}

interface ImageSource {
  color?: number;
  size?: number;
  batchSize?: number;
}

function emptyImage({ color = freshColor(), size = 64, batchSize = 1 }: ImageSource): ApiWorkflow[string] {
  return {
    class_type: 'EmptyImage',
    inputs: { width: size, height: size, batch_size: batchSize, color },
    _meta: { title: 'Blank canvas' },
  };
}

/** EmptyImage → ImageAddNoise (has a `seed`) → SaveImage. */
export function noiseWorkflow(options: ImageSource & { seed?: number; prefix?: string } = {}): ApiWorkflow {
  return {
    '1': emptyImage(options),
    '2': {
      class_type: 'ImageAddNoise',
      inputs: { image: ['1', 0], seed: options.seed ?? 42, strength: 0.5 },
      _meta: { title: 'Grain' },
    },
    '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: options.prefix ?? 'peer-noise' } },
  };
}

/** EmptyImage → ImageInvert → SaveImage: no seed anywhere. */
export function invertWorkflow(options: ImageSource & { prefix?: string } = {}): ApiWorkflow {
  return {
    '1': emptyImage(options),
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: options.prefix ?? 'peer-invert' } },
  };
}

/** One batch of 2 saved by two SaveImage nodes, one of them into a subfolder: four files. */
export function twoSavesWorkflow(): ApiWorkflow {
  return {
    '1': emptyImage({ batchSize: 2 }),
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '3': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'peer-plain' } },
    '4': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'peer-sub/inverted' } },
  };
}

/** EmptyImage → PreviewImage: the files go to ComfyUI's temp folder. */
export function previewWorkflow(): ApiWorkflow {
  return {
    '1': emptyImage({}),
    '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
  };
}

/**
 * A prompt that keeps the CPU busy for seconds in many small nodes (ComfyUI interrupts between nodes), and saves one
 * tiny image at the end.
 */
export function slowWorkflow(noiseNodes = 40): ApiWorkflow {
  const workflow: ApiWorkflow = { '1': emptyImage({ size: 1024, batchSize: 2 }) };
  let previous = '1';
  for (let i = 0; i < noiseNodes; i += 1) {
    const id = String(10 + i);
    workflow[id] = { class_type: 'ImageAddNoise', inputs: { image: [previous, 0], seed: i, strength: 0.1 } };
    previous = id;
  }
  workflow['8'] = {
    class_type: 'ImageScale',
    inputs: { image: [previous, 0], upscale_method: 'nearest-exact', width: 8, height: 8, crop: 'disabled' },
  };
  workflow['9'] = { class_type: 'SaveImage', inputs: { images: ['8', 0], filename_prefix: 'peer-slow' } };
  return workflow;
}
