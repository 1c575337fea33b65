// The replies of ComfyUI's HTTP API, as reference/comfyui-api.md records them from a real server. Parsed loosely:
// newer servers add fields (a 6th queue item element, more status keys), which must not break an older client.
import { z } from 'zod';

export const promptReplySchema = z.looseObject({
  prompt_id: z.string(),
  number: z.number(),
  node_errors: z.record(z.string(), z.unknown()).optional(),
});

const errorItemSchema = z.looseObject({
  type: z.string().optional(),
  message: z.string().optional(),
  details: z.string().optional(),
  extra_info: z.record(z.string(), z.unknown()).optional(),
});
export type PromptErrorItem = z.infer<typeof errorItemSchema>;

/** The JSON body of a 400 from POST /prompt. */
export const promptErrorSchema = z.looseObject({
  error: z.union([errorItemSchema, z.string()]).optional(),
  node_errors: z
    .record(
      z.string(),
      z.looseObject({
        errors: z.array(errorItemSchema).default([]),
        class_type: z.string().optional(),
      }),
    )
    .optional(),
});
export type PromptErrorBody = z.infer<typeof promptErrorSchema>;

/** `[number, prompt_id, prompt, extra_data, outputs_to_execute, …]` */
const queueItemSchema = z.tuple([z.number(), z.string()], z.unknown());

export const queueSchema = z.looseObject({
  queue_running: z.array(queueItemSchema).default([]),
  queue_pending: z.array(queueItemSchema).default([]),
});

/** GET /history/<id>: `{}` while pending or unknown; entries are read by main/comfy/outputs.ts. */
export const historyReplySchema = z.record(z.string(), z.unknown());

export const systemStatsSchema = z.looseObject({
  system: z.looseObject({ comfyui_version: z.string().optional(), os: z.string().optional() }).optional(),
  devices: z.array(z.looseObject({ name: z.string().optional(), type: z.string().optional() })).default([]),
});

/** A websocket text frame. `data` is read per type by the progress socket. */
export const wsFrameSchema = z.looseObject({ type: z.string(), data: z.unknown() });

export const wsPromptDataSchema = z.looseObject({ prompt_id: z.string() });
export const wsExecutingSchema = z.looseObject({ prompt_id: z.string(), node: z.string().nullable().optional() });
export const wsProgressSchema = z.looseObject({
  prompt_id: z.string(),
  value: z.number(),
  max: z.number(),
  node: z.string().nullable().optional(),
});
