// What we know about node classes without asking a server: which ones are output nodes and how many outputs the
// core ones have. A caller that has fetched GET /object_info passes it through catalogFromObjectInfo() to know more.

import { z } from 'zod';

/** One input as object_info describes it: `[TYPE or [choices], {min, max, ...}]`. */
export interface InputSpec {
  required: boolean;
  /** The allowed values of a combo input (sampler names, the checkpoints the server has…). */
  choices?: readonly string[];
  min?: number | bigint;
  max?: number | bigint;
  /** The increment of a number input's widget (8 for a width, 0.1 for cfg). */
  step?: number;
  /** The precision a FLOAT is rounded to (ComfyUI's `round`); false when the server says not to round. */
  round?: number | false;
  /**
   * A file the artist uploads (LoadImage's `image`, marked `image_upload`): its choices are the files the input folder
   * held when the catalogue was read, and ComfyUI checks the file itself (VALIDATE_INPUTS), not the list.
   */
  upload?: true;
}

export interface NodeClassInfo {
  /** How many outputs the class has; link indexes must be below it. Unknown when undefined. */
  outputCount?: number;
  /** ComfyUI runs a prompt only if it has at least one output node (prompt_no_outputs otherwise). */
  outputNode?: boolean;
  /** Known only from an object_info catalogue. */
  inputs?: Readonly<Record<string, InputSpec>>;
}

export interface NodeCatalog {
  get(classType: string): NodeClassInfo | undefined;
  /** How many node classes a server's catalogue lists (undefined for the built-in knowledge). */
  readonly size?: number;
}

/** Output nodes of ComfyUI core and of widely used packs (VideoHelperSuite, and others whose names say "Save"). */
export const KNOWN_OUTPUT_NODES: ReadonlySet<string> = new Set([
  'SaveImage',
  'PreviewImage',
  'SaveAnimatedWEBP',
  'SaveAnimatedPNG',
  'SaveImageWebsocket',
  'SaveLatent',
  'SaveVideo',
  'SaveWEBM',
  'SaveAudio',
  'SaveAudioMP3',
  'SaveAudioOpus',
  'PreviewAudio',
  'SaveGLB',
  'Preview3D',
  'CheckpointSave',
  'VHS_VideoCombine',
  'Image Save',
  'SaveImageExtended',
  'PreviewAny',
]);

/** Output counts of common core classes, so an out-of-range link is caught without an object_info catalogue. */
const CORE_OUTPUT_COUNTS: Readonly<Record<string, number>> = {
  CheckpointLoaderSimple: 3,
  CheckpointLoader: 3,
  unCLIPCheckpointLoader: 4,
  ImageOnlyCheckpointLoader: 3,
  KSampler: 1,
  KSamplerAdvanced: 1,
  SamplerCustom: 2,
  SamplerCustomAdvanced: 2,
  EmptyLatentImage: 1,
  EmptySD3LatentImage: 1,
  CLIPTextEncode: 1,
  CLIPTextEncodeSDXL: 1,
  ConditioningCombine: 1,
  ConditioningConcat: 1,
  ConditioningAverage: 1,
  ConditioningSetArea: 1,
  ConditioningZeroOut: 1,
  ControlNetApply: 1,
  ControlNetApplyAdvanced: 2,
  ControlNetLoader: 1,
  FluxGuidance: 1,
  VAEDecode: 1,
  VAEEncode: 1,
  VAELoader: 1,
  LoraLoader: 2,
  LoraLoaderModelOnly: 1,
  CLIPLoader: 1,
  DualCLIPLoader: 1,
  UNETLoader: 1,
  CLIPSetLastLayer: 1,
  LoadImage: 2,
  LoadImageMask: 1,
  ImageScale: 1,
  ImageScaleBy: 1,
  LatentUpscale: 1,
  LatentUpscaleBy: 1,
  UpscaleModelLoader: 1,
  ImageUpscaleWithModel: 1,
  SaveImage: 0,
  PreviewImage: 0,
  SaveAnimatedWEBP: 0,
  SaveAnimatedPNG: 0,
};

export const builtinCatalog: NodeCatalog = {
  get(classType) {
    const outputCount = CORE_OUTPUT_COUNTS[classType];
    const outputNode = KNOWN_OUTPUT_NODES.has(classType) ? true : undefined;
    if (outputCount === undefined && outputNode === undefined) return undefined;
    return { outputCount, outputNode: outputNode ?? (outputCount !== undefined ? false : undefined) };
  },
};

const boundSchema = z.union([z.number(), z.bigint()]).optional().catch(undefined);
const inputConfigSchema = z
  .looseObject({
    min: boundSchema,
    max: boundSchema,
    step: z.number().positive().optional().catch(undefined),
    round: z
      .union([z.number().positive(), z.literal(false)])
      .optional()
      .catch(undefined),
    options: z.array(z.unknown()).optional().catch(undefined),
    image_upload: z.boolean().optional().catch(undefined),
  })
  .optional()
  .catch(undefined);
const inputGroupSchema = z.record(z.string(), z.unknown()).optional().catch(undefined);
const objectInfoClassSchema = z.looseObject({
  output: z.array(z.unknown()).optional().catch(undefined),
  output_node: z.boolean().optional().catch(undefined),
  input: z.looseObject({ required: inputGroupSchema, optional: inputGroupSchema }).optional().catch(undefined),
});

function onlyStrings(values: readonly unknown[] | undefined): string[] | undefined {
  return values?.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}

/** `[TYPE, config?]` where TYPE is a name or a list of choices; newer servers write `["COMBO", {options: [...]}]`. */
function inputSpec(entry: unknown, required: boolean): InputSpec | undefined {
  if (!Array.isArray(entry)) return undefined;
  const [type, rawConfig] = entry as unknown[];
  const config = inputConfigSchema.parse(rawConfig);
  const choices = Array.isArray(type) ? onlyStrings(type) : type === 'COMBO' ? onlyStrings(config?.options) : undefined;
  return {
    required,
    ...(choices ? { choices } : {}),
    ...(config?.min !== undefined ? { min: config.min } : {}),
    ...(config?.max !== undefined ? { max: config.max } : {}),
    ...(config?.step !== undefined ? { step: config.step } : {}),
    ...(config?.round !== undefined ? { round: config.round } : {}),
    ...(config?.image_upload === true ? { upload: true as const } : {}),
  };
}

function inputSpecs(input: { required?: Record<string, unknown>; optional?: Record<string, unknown> } | undefined) {
  const specs: Record<string, InputSpec> = {};
  for (const [group, required] of [
    [input?.required, true],
    [input?.optional, false],
  ] as const) {
    for (const [name, entry] of Object.entries(group ?? {})) {
      const spec = inputSpec(entry, required);
      if (spec) specs[name] = spec;
    }
  }
  return specs;
}
const objectInfoSchema = z.record(z.string(), z.unknown());

/**
 * Builds a catalogue from a GET /object_info reply (≈300 KB): outputs, output_node, and each input's required flag,
 * choices, min/max, step and round. Parse the reply with parseJson() so that INT bounds of 2^64 − 1 stay exact. Malformed parts are
 * skipped rather than failing the whole catalogue; classes it lacks fall back to the built-in knowledge.
 */
export function catalogFromObjectInfo(objectInfo: unknown): NodeCatalog {
  const parsed = objectInfoSchema.safeParse(objectInfo);
  const classes = new Map<string, NodeClassInfo>();
  if (parsed.success) {
    for (const [name, entry] of Object.entries(parsed.data)) {
      const info = objectInfoClassSchema.safeParse(entry);
      if (!info.success) continue;
      classes.set(name, {
        outputCount: info.data.output?.length,
        outputNode: info.data.output_node,
        inputs: inputSpecs(info.data.input),
      });
    }
  }
  return {
    size: classes.size,
    get(classType) {
      return classes.get(classType) ?? builtinCatalog.get(classType);
    },
  };
}

export function isOutputNode(classType: string, catalog: NodeCatalog = builtinCatalog): boolean {
  return catalog.get(classType)?.outputNode ?? KNOWN_OUTPUT_NODES.has(classType);
}
