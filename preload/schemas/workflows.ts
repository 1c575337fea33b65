// Workflows as the renderer sees them: the library, a workflow's parameter form (with the service's bounds and
// choices), and the input images its LoadImage-style nodes take. Integers beyond 2^53 cross as decimal text.
import { z } from 'zod';
import { IdSchema } from './common';
import { ServiceIdSchema } from './services';

/** A literal value: big integers as decimal text. */
export const LiteralDtoSchema = z.union([z.string(), z.number(), z.boolean()]);

export const WorkflowSourceSchema = z.enum(['starter', 'import', 'png']);

/** The built-in starter's stored name; the renderer shows it in the artist's language until the artist renames it. */
export const STARTER_WORKFLOW_NAME = 'Starter: text to image';

export const WorkflowSummarySchema = z.object({
  id: IdSchema,
  name: z.string(),
  source: WorkflowSourceSchema,
  nodeCount: z.number().int(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type WorkflowSummaryDto = z.infer<typeof WorkflowSummarySchema>;

/** What an editable input is for, in the order the parameter form lists them (main/comfy/parameters.ts finds them). */
export const PARAMETER_KINDS = [
  'positive',
  'negative',
  'prompt',
  'image',
  'seed',
  'steps',
  'cfg',
  'sampler',
  'scheduler',
  'denoise',
  'width',
  'height',
  'batch_size',
  'checkpoint',
  'filename_prefix',
  'other',
] as const;
export const ParameterKindSchema = z.enum(PARAMETER_KINDS);

/** One field of the parameter form. `control` says how to draw it; bounds and choices come from the service when known. */
export const ParameterFieldSchema = z.object({
  /** `<node>.<input>`: the key of `spec.set` and of sweeps. */
  id: z.string(),
  node: z.string(),
  input: z.string(),
  kind: ParameterKindSchema,
  /** English label for the kind (the UI translates by kind); for `other`, the input name. */
  label: z.string(),
  nodeTitle: z.string(),
  classType: z.string(),
  value: LiteralDtoSchema,
  /** `image`: a file the service loads (LoadImage's `image`, or any input the catalogue marks as an upload). */
  control: z.enum(['textarea', 'text', 'number', 'integer', 'choice', 'toggle', 'image']),
  min: z.union([z.number(), z.string()]).optional(),
  max: z.union([z.number(), z.string()]).optional(),
  /** The increment the service's widget uses (8 for a width, 0.01 for denoise). */
  step: z.number().positive().optional(),
  choices: z.array(z.string()).optional(),
});
export type ParameterFieldDto = z.infer<typeof ParameterFieldSchema>;

export const WorkflowDetailSchema = WorkflowSummarySchema.extend({
  parameters: z.array(ParameterFieldSchema),
  /** The API-format JSON, big integers exact, for "export" and display. */
  json: z.string(),
  /** Whether bounds/choices came from a service's /object_info (else only what the workflow shows). */
  catalogFrom: z.enum(['service', 'builtin']),
  /** With catalogFrom 'service': the service whose catalogue it is, and when it was read (ms since the epoch). */
  catalogue: z.object({ serviceId: z.string(), readAt: z.number(), nodeTypes: z.number().int() }).optional(),
});
export type WorkflowDetailDto = z.infer<typeof WorkflowDetailSchema>;

export const WorkflowImportSchema = z.union([
  z.object({ name: z.string().trim().max(200).optional(), json: z.string().min(1).max(20_000_000) }),
  /** A ComfyUI PNG (its `prompt` chunk), base64. */
  z.object({ name: z.string().trim().max(200).optional(), pngBase64: z.string().min(1).max(70_000_000) }),
]);

/** A node catalogue read again: when, and how many node types the service lists. */
export const CatalogueReadSchema = z.object({ serviceId: z.string(), readAt: z.number(), nodeTypes: z.number().int() });
export type CatalogueReadDto = z.infer<typeof CatalogueReadSchema>;

/**
 * An image for a LoadImage-style input, put where the service reads it. From a file's bytes (base64, up to ComfyUI's
 * default 100 MB), from an image of the Gallery (img2img from a result), or by the value a workflow already holds (a
 * re-run, a pool member): found on the service, else sent again from this computer's copy.
 */
export const InputImageUploadSchema = z.union([
  z.object({
    serviceId: ServiceIdSchema,
    fileName: z.string().trim().min(1).max(255),
    base64: z.string().min(1).max(140_000_000),
  }),
  z.object({ serviceId: ServiceIdSchema, galleryImageId: z.number().int().nonnegative() }),
  z.object({ serviceId: ServiceIdSchema, value: z.string().trim().min(1).max(255) }),
]);
export type InputImageUpload = z.infer<typeof InputImageUploadSchema>;
/**
 * `value`: what the input takes (the name on the service); `reused`: the service had these bytes already; `fromCopy`:
 * sent again from this computer's copy (the service had lost it); `fileName`: the name the artist knows it by.
 */
export const UploadedInputSchema = z.object({
  value: z.string(),
  reused: z.boolean(),
  fromCopy: z.boolean().optional(),
  fileName: z.string().optional(),
});
