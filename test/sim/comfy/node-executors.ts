// What each simulated node computes. Nothing here touches a model: values are small descriptions (texts, sizes,
// hashes) from which output images are drawn, so results are deterministic from seed and prompt text.
import { createHash } from 'node:crypto';
import { stringifyJson } from '../../../main/comfy/json-bigint';
import type { OutputFile } from './engine-types';
import sharp from 'sharp';
import { hashString, renderRgb, type Pattern } from './image-synth';
import { VIDEO_CLIP_WEBM } from './video-clip';
import { encodeApng } from './png';
import { toFloat, toInt } from './validate-prompt';

interface ModelValue {
  kind: 'model';
  checkpoint: string;
}
interface ClipValue {
  kind: 'clip';
  checkpoint: string;
}
interface VaeValue {
  kind: 'vae';
  checkpoint: string;
}
interface ConditioningValue {
  kind: 'conditioning';
  text: string;
}
interface LatentValue {
  kind: 'latent';
  width: number;
  height: number;
  hashes: number[];
}
export interface ImageValue {
  kind: 'image';
  width: number;
  height: number;
  frames: Pattern[];
}
interface MaskValue {
  kind: 'mask';
  width: number;
  height: number;
}
export interface AudioValue {
  kind: 'audio';
  /** One clip per latent of the batch, each with its length and the hash its tone is drawn from. */
  clips: { seconds: number; hash: number }[];
}
export interface StringValue {
  kind: 'string';
  value: string;
}
export type NodeValue =
  | ModelValue
  | ClipValue
  | VaeValue
  | ConditioningValue
  | LatentValue
  | ImageValue
  | MaskValue
  | AudioValue
  | StringValue;

/** A Python exception inside a node: becomes `execution_error`. */
export class NodeExecutionError extends Error {
  constructor(
    readonly exceptionType: string,
    message: string,
  ) {
    super(message);
  }
}

/** The signal fired between steps or nodes: becomes `execution_interrupted`. */
export class InterruptedError extends Error {
  constructor() {
    super('Processing interrupted');
  }
}

export interface NodeContext {
  nodeId: string;
  /** Inputs with links replaced by the upstream node's output value. */
  inputs: Record<string, unknown>;
  /**
   * Reports one finished sampler step after waiting its time; throws InterruptedError when interrupted. Values run
   * 1..max, as ComfyUI's sampler callback sends them (`pbar.update_absolute(step + 1, total_steps)`).
   */
  step(value: number, max: number): Promise<void>;
  /** Writes a batch of images as PNGs, named by the host; returns what `executed` and /history list. */
  saveImages(image: ImageValue, filenamePrefix: string, type: OutputFile['type']): Promise<OutputFile[]>;
  /** Writes one file of other bytes (a sound), named by the host like an image. */
  saveFile(
    bytes: Buffer,
    filenamePrefix: string,
    index: number,
    ext: string,
    type: OutputFile['type'],
  ): Promise<OutputFile>;
  /** The host's input folder (RunOptions.readInput). */
  readInput?: (name: string) => Buffer | undefined;
}

export interface NodeResult {
  outputs: NodeValue[];
  /** The `output` of an `executed` event, for output nodes. */
  ui?: Record<string, unknown[]>;
}

function input<K extends NodeValue['kind']>(ctx: NodeContext, name: string, kind: K): Extract<NodeValue, { kind: K }> {
  const value = ctx.inputs[name];
  if (typeof value === 'object' && value !== null && 'kind' in value && value.kind === kind) {
    return value as Extract<NodeValue, { kind: K }>;
  }
  throw new NodeExecutionError('TypeError', `input '${name}' did not receive a ${kind.toUpperCase()} value`);
}

function int(ctx: NodeContext, name: string, fallback: number): number {
  const converted = toInt(ctx.inputs[name] ?? fallback);
  return converted.ok && typeof converted.value === 'number' ? converted.value : fallback;
}

function float(ctx: NodeContext, name: string, fallback: number): number {
  const converted = toFloat(ctx.inputs[name] ?? fallback);
  return converted.ok && typeof converted.value === 'number' ? converted.value : fallback;
}

function text(ctx: NodeContext, name: string): string {
  const value = ctx.inputs[name];
  return typeof value === 'string' ? value : stringifyJson(value ?? '');
}

function scaled(image: ImageValue, width: number, height: number): ImageValue {
  return { ...image, width: Math.max(1, width), height: Math.max(1, height) };
}

type Executor = (ctx: NodeContext) => Promise<NodeResult>;

/** A WAV of a sine tone (8 kHz, mono, 16-bit) at a pitch drawn from the hash, at most a second long. */
function toneWav(hash: number, seconds: number): Buffer {
  const rate = 8000;
  const samples = Math.max(1, Math.round(rate * Math.min(seconds, 1)));
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(samples * 2, 40);
  const pitch = 220 + (hash % 660);
  for (let i = 0; i < samples; i += 1) {
    wav.writeInt16LE(Math.round(Math.sin((2 * Math.PI * pitch * i) / rate) * 12000), 44 + i * 2);
  }
  return wav;
}

/** ComfyUI's PreviewImage picks five letters from this alphabet (sic: no "w", "p" twice) for its temp file prefix. */
const PREVIEW_ALPHABET = 'abcdefghijklmnopqrstupvxyz';

function previewSuffix(hash: number): string {
  let suffix = '';
  for (let i = 0, rest = hash; i < 5; i += 1, rest = Math.floor(rest / PREVIEW_ALPHABET.length)) {
    suffix += PREVIEW_ALPHABET[rest % PREVIEW_ALPHABET.length] ?? 'a';
  }
  return suffix;
}

const executors: Record<string, Executor> = {
  CheckpointLoaderSimple: (ctx) => {
    const checkpoint = text(ctx, 'ckpt_name');
    return Promise.resolve({
      outputs: [
        { kind: 'model', checkpoint },
        { kind: 'clip', checkpoint },
        { kind: 'vae', checkpoint },
      ],
    });
  },
  CLIPTextEncode: (ctx) => {
    input(ctx, 'clip', 'clip');
    const prompt = text(ctx, 'text');
    // the simulator's way to force an execution error from a test or the demo
    if (prompt.includes('__fail__')) {
      throw new NodeExecutionError('RuntimeError', 'Simulated failure: the prompt text contains __fail__.');
    }
    return Promise.resolve({ outputs: [{ kind: 'conditioning', text: prompt }] });
  },
  EmptyLatentImage: (ctx) => {
    // latents are 1/8 of the pixel size: the decoded image is the size rounded down to a multiple of 8
    const width = Math.floor(int(ctx, 'width', 512) / 8) * 8;
    const height = Math.floor(int(ctx, 'height', 512) / 8) * 8;
    const count = int(ctx, 'batch_size', 1);
    const hashes = Array.from({ length: count }, (_, i) => hashString(`empty-latent:${i}`));
    return Promise.resolve({ outputs: [{ kind: 'latent', width, height, hashes }] });
  },
  KSampler: async (ctx) => {
    const model = input(ctx, 'model', 'model');
    const positive = input(ctx, 'positive', 'conditioning');
    const negative = input(ctx, 'negative', 'conditioning');
    const latent = input(ctx, 'latent_image', 'latent');
    const steps = int(ctx, 'steps', 20);
    const seed = String(ctx.inputs.seed);
    const recipe = [seed, positive.text, negative.text, steps, float(ctx, 'cfg', 8), text(ctx, 'sampler_name')]
      .concat([text(ctx, 'scheduler'), float(ctx, 'denoise', 1), model.checkpoint])
      .join('\u0001');
    for (let done = 1; done <= steps; done += 1) await ctx.step(done, steps);
    const hashes = latent.hashes.map((h, i) => hashString(`${recipe}\u0001${h}\u0001${i}`));
    return { outputs: [{ ...latent, hashes }] };
  },
  VAEDecode: (ctx) => {
    const latent = input(ctx, 'samples', 'latent');
    input(ctx, 'vae', 'vae');
    const frames = latent.hashes.map((hash) => ({ hash }));
    return Promise.resolve({ outputs: [{ kind: 'image', width: latent.width, height: latent.height, frames }] });
  },
  // Audio, as Stable Audio workflows make it: an empty audio latent (its width stands for the length), sampled, decoded
  // and saved. The simulator writes a short WAV tone (ComfyUI's SaveAudio writes FLAC): the app knows a file by its
  // bytes, never by its name.
  EmptyLatentAudio: (ctx) => {
    const seconds = Math.min(float(ctx, 'seconds', 47.6), 60);
    const count = int(ctx, 'batch_size', 1);
    const hashes = Array.from({ length: count }, (_, i) => hashString(`empty-audio:${i}`));
    return Promise.resolve({ outputs: [{ kind: 'latent', width: Math.round(seconds * 10), height: 1, hashes }] });
  },
  VAEDecodeAudio: (ctx) => {
    const latent = input(ctx, 'samples', 'latent');
    input(ctx, 'vae', 'vae');
    const clips = latent.hashes.map((hash) => ({ seconds: latent.width / 10, hash }));
    return Promise.resolve({ outputs: [{ kind: 'audio', clips }] });
  },
  SaveAudio: async (ctx) => {
    const audio = input(ctx, 'audio', 'audio');
    const prefix = text(ctx, 'filename_prefix');
    const files = [];
    for (const [index, clip] of audio.clips.entries()) {
      files.push(await ctx.saveFile(toneWav(clip.hash, clip.seconds), prefix, index, 'wav', 'output'));
    }
    return { outputs: [], ui: { audio: files } };
  },
  PrimitiveString: (ctx) => Promise.resolve({ outputs: [{ kind: 'string', value: text(ctx, 'value') }] }),
  // ComfyUI's PreviewAny shows any value as text: a string as it is, anything else as JSON.
  PreviewAny: (ctx) => {
    const source = ctx.inputs.source;
    const shown =
      typeof source === 'object' && source !== null && 'kind' in source && source.kind === 'string' && 'value' in source
        ? String(source.value)
        : stringifyJson(source ?? null);
    return Promise.resolve({ outputs: [], ui: { text: [shown] } });
  },
  EmptyImage: (ctx) => {
    const color = int(ctx, 'color', 0);
    const solid: [number, number, number] = [(color >> 16) & 0xff, (color >> 8) & 0xff, color & 0xff];
    const frames = Array.from({ length: int(ctx, 'batch_size', 1) }, () => ({ hash: color, solid }));
    return Promise.resolve({
      outputs: [{ kind: 'image', width: int(ctx, 'width', 512), height: int(ctx, 'height', 512), frames }],
    });
  },
  ImageInvert: (ctx) => {
    const image = input(ctx, 'image', 'image');
    const frames = image.frames.map((frame): Pattern =>
      frame.solid
        ? {
            hash: hashString(`invert:${frame.hash}`),
            solid: frame.solid.map((c) => 255 - c) as [number, number, number],
          }
        : { hash: hashString(`invert:${frame.hash}`) },
    );
    return Promise.resolve({ outputs: [{ ...image, frames }] });
  },
  ImageAddNoise: (ctx) => {
    const image = input(ctx, 'image', 'image');
    const recipe = `${String(ctx.inputs.seed)}\u0001${float(ctx, 'strength', 0.5)}`;
    const frames = image.frames.map((frame, i) => ({ hash: hashString(`noise:${recipe}:${frame.hash}:${i}`) }));
    return Promise.resolve({ outputs: [{ ...image, frames }] });
  },
  LoadImage: (ctx) => {
    // The picture is drawn from the input file's content (the simulator does not decode its pixels). A name the
    // input folder does not hold fails the node, as ComfyUI's LoadImage refuses it ("Invalid image file").
    const name = text(ctx, 'image');
    let seed = `load:${name}`;
    if (ctx.readInput) {
      const bytes = ctx.readInput(name);
      if (!bytes) throw new Error(`Invalid image file: ${name}`);
      seed = `load:${createHash('sha256').update(bytes).digest('hex')}`;
    }
    return Promise.resolve({
      outputs: [
        { kind: 'image', width: 512, height: 512, frames: [{ hash: hashString(seed) }] },
        { kind: 'mask', width: 512, height: 512 },
      ],
    });
  },
  ImageScale: (ctx) => {
    const image = input(ctx, 'image', 'image');
    let width = int(ctx, 'width', 512);
    let height = int(ctx, 'height', 512);
    if (width === 0 && height === 0) return Promise.resolve({ outputs: [image] });
    if (width === 0) width = Math.round((image.width * height) / image.height);
    if (height === 0) height = Math.round((image.height * width) / image.width);
    return Promise.resolve({ outputs: [scaled(image, width, height)] });
  },
  ImageScaleBy: (ctx) => {
    const image = input(ctx, 'image', 'image');
    const by = float(ctx, 'scale_by', 1);
    return Promise.resolve({ outputs: [scaled(image, Math.round(image.width * by), Math.round(image.height * by))] });
  },
  SaveImage: async (ctx) => {
    const images = await ctx.saveImages(input(ctx, 'images', 'image'), text(ctx, 'filename_prefix'), 'output');
    return { outputs: [], ui: { images } };
  },
  // ComfyUI writes one animated WEBP of the whole batch (PIL), `fps` frames a second, and marks it `animated: [true]`.
  SaveAnimatedWEBP: async (ctx) => {
    const image = input(ctx, 'images', 'image');
    const frames = await Promise.all(
      image.frames.map((frame) =>
        sharp(renderRgb(frame, image.width, image.height), {
          raw: { width: image.width, height: image.height, channels: 3 },
        })
          .png()
          .toBuffer(),
      ),
    );
    const delay = Math.round(1000 / Math.max(0.01, float(ctx, 'fps', 6)));
    const webp = await sharp(frames, { join: { animated: true } })
      .webp({ loop: 0, delay, quality: int(ctx, 'quality', 80), lossless: ctx.inputs.lossless === true })
      .toBuffer();
    const file = await ctx.saveFile(webp, text(ctx, 'filename_prefix'), 0, 'webp', 'output');
    return { outputs: [], ui: { images: [file], animated: [true] } };
  },
  // ComfyUI writes one APNG of the whole batch (PIL), `fps` frames a second, marked `animated: [true]`.
  SaveAnimatedPNG: async (ctx) => {
    const image = input(ctx, 'images', 'image');
    const frames = image.frames.map((frame) => ({
      width: image.width,
      height: image.height,
      rgb: renderRgb(frame, image.width, image.height),
    }));
    const apng = encodeApng(frames, 1000 / Math.max(0.01, float(ctx, 'fps', 6)));
    const file = await ctx.saveFile(apng, text(ctx, 'filename_prefix'), 0, 'png', 'output');
    return { outputs: [], ui: { images: [file], animated: [true] } };
  },
  // Video nodes write the same real WebM whatever the frames (the simulator encodes no video): core SaveWEBM lists it
  // under `images` marked animated; VideoHelperSuite's VHS_VideoCombine under `gifs` with its format.
  SaveWEBM: async (ctx) => {
    input(ctx, 'images', 'image');
    const file = await ctx.saveFile(VIDEO_CLIP_WEBM, text(ctx, 'filename_prefix'), 0, 'webm', 'output');
    return { outputs: [], ui: { images: [file], animated: [true] } };
  },
  VHS_VideoCombine: async (ctx) => {
    input(ctx, 'images', 'image');
    const type = ctx.inputs.save_output === false ? 'temp' : 'output';
    const file = await ctx.saveFile(VIDEO_CLIP_WEBM, text(ctx, 'filename_prefix'), 0, 'webm', type);
    return { outputs: [], ui: { gifs: [{ ...file, format: 'video/webm' }] } };
  },
  PreviewImage: async (ctx) => {
    const suffix = previewSuffix(hashString(ctx.nodeId + stringifyJson(ctx.inputs)));
    const images = await ctx.saveImages(input(ctx, 'images', 'image'), `ComfyUI_temp_${suffix}`, 'temp');
    return { outputs: [], ui: { images } };
  },
};

export function executeNode(classType: string, ctx: NodeContext): Promise<NodeResult> {
  const executor = Object.hasOwn(executors, classType) ? executors[classType] : undefined;
  if (!executor) return Promise.reject(new NodeExecutionError('KeyError', `'${classType}'`));
  return executor(ctx);
}
