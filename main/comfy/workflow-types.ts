// The ComfyUI API-format workflow: `{node_id: {class_type, inputs, _meta?}}` (reference/comfyui-api.md). An input is
// either a literal or a link `[source_node_id, output_index]`; ComfyUI itself treats every list input as a link.

import { z } from 'zod';
import type { JsonValue } from './json-bigint';

export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.bigint(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

/**
 * One node. `class_type` is optional here so that a workflow missing it can still be loaded and the validator can
 * name every such node at once; a workflow that passes validateWorkflow() has it on every node.
 */
export const apiNodeSchema = z.looseObject({
  class_type: z.string().optional(),
  inputs: z.record(z.string(), jsonValueSchema),
  _meta: z.looseObject({ title: z.string().optional() }).optional(),
});
export type ApiNode = z.infer<typeof apiNodeSchema>;

export const apiWorkflowSchema = z.record(z.string(), apiNodeSchema);
export type ApiWorkflow = z.infer<typeof apiWorkflowSchema>;

/** A literal input value as an artist edits it. Integers beyond 2^53 are bigint (see json-bigint.ts). */
export type LiteralValue = string | number | bigint | boolean;

export type Link = readonly [string, number];

/** A link as ComfyUI reads one: a two-element list of a node id (string) and a non-negative integer output index. */
export function isLink(value: unknown): value is Link {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'number' &&
    Number.isInteger(value[1]) &&
    value[1] >= 0
  );
}

export function isLiteral(value: unknown): value is LiteralValue {
  return (
    typeof value === 'string' ||
    typeof value === 'bigint' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** The title to show for a node: its `_meta.title` (any UI language), else its class, else its id. Display only. */
export function nodeTitle(workflow: ApiWorkflow, nodeId: string): string {
  const node = workflow[nodeId];
  const title = node?._meta?.title?.trim();
  if (title) return title;
  return node?.class_type || `node ${nodeId}`;
}

/** How a node is named in a sentence: `"KSampler" (node 3)`. */
export function describeNode(workflow: ApiWorkflow, nodeId: string): string {
  return `"${nodeTitle(workflow, nodeId)}" (node ${nodeId})`;
}

/** Node ids in ComfyUI's usual order: numeric ids by value, then the others by text. */
export function sortedNodeIds(workflow: ApiWorkflow): string[] {
  return Object.keys(workflow).sort(compareNodeIds);
}

export function compareNodeIds(a: string, b: string): number {
  const na = /^\d+$/.test(a) ? Number(a) : NaN;
  const nb = /^\d+$/.test(b) ? Number(b) : NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb || a.localeCompare(b);
  if (!Number.isNaN(na)) return -1;
  if (!Number.isNaN(nb)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
