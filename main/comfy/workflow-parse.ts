// Reading an API-format workflow from a file, a paste, a PNG chunk or an object, and writing it back without losing
// big integers. The UI format (the editor's own save file) cannot be run through /prompt, so it is refused with the
// way to get the API format.

import { ValidationError } from '../errors';
import { parseJson, stringifyJson } from './json-bigint';
import { apiWorkflowSchema, type ApiWorkflow } from './workflow-types';

export const UI_FORMAT_MESSAGE =
  'This is a ComfyUI UI-format workflow (the editor save file), which cannot be queued. In ComfyUI, turn on ' +
  'Settings → Comfy → "Enable Dev mode Options" if your version needs it, then use Workflow → Export (API) and ' +
  'import that file instead.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The UI format: `{nodes: [...], links: [...]}` (litegraph), possibly wrapped as `{workflow: …}`, or with `extra.ds`. */
export function isUiFormat(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (Array.isArray(value.nodes) && (Array.isArray(value.links) || 'last_node_id' in value || 'version' in value)) {
    return true;
  }
  if (isRecord(value.extra) && 'ds' in value.extra && !('class_type' in value)) return true;
  if (isRecord(value.workflow) && !('class_type' in value.workflow) && isUiFormat(value.workflow)) return true;
  return false;
}

/** The body of POST /prompt (`{prompt: workflow, client_id?, extra_data?…}`) wraps the workflow; a node has class_type. */
function unwrapPromptBody(value: Record<string, unknown>): unknown {
  const inner = value.prompt;
  if (isRecord(inner) && !('class_type' in inner) && !('inputs' in inner)) return inner;
  return value;
}

/**
 * Parses an API-format workflow from JSON text (integers beyond 2^53 kept exact) or from an already-parsed object.
 * Accepts the `{"prompt": {...}}` wrapper that /prompt takes. Throws ValidationError for malformed JSON, the UI
 * format, or a shape that is not `{node_id: {class_type, inputs, _meta?}}`. Graph problems (dangling links, cycles,
 * missing class_type, no output) are validateWorkflow()'s job, so that they can all be reported together.
 */
export function parseWorkflow(input: unknown): ApiWorkflow {
  const raw = typeof input === 'string' ? parseJson(input) : input;
  if (isUiFormat(raw)) throw new ValidationError(UI_FORMAT_MESSAGE).withCode('workflow-ui-format');
  if (!isRecord(raw)) {
    throw new ValidationError(
      'This is not a ComfyUI workflow: expected a JSON object of nodes, {"<node id>": {"class_type", "inputs"}}.',
    ).withCode('workflow-not-object');
  }
  const candidate = unwrapPromptBody(raw);
  if (isUiFormat(candidate)) throw new ValidationError(UI_FORMAT_MESSAGE).withCode('workflow-ui-format');
  const result = apiWorkflowSchema.safeParse(candidate);
  if (result.success) return result.data;

  const issue = result.error.issues[0];
  const [nodeId, field, inputName] = issue?.path ?? [];
  const node = typeof nodeId === 'string' ? nodeId : undefined;
  const input_ = field === 'inputs' && typeof inputName === 'string' ? inputName : undefined;
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : '';
  let where: string;
  if (node === undefined) where = 'The workflow is not an object of nodes';
  else if (field === undefined) where = `Node ${node} is not an object with "class_type" and "inputs"`;
  else if (input_ !== undefined) where = `Input "${input_}" of node ${node} is not a JSON value ComfyUI can take`;
  else where = `Node ${node} has a malformed "${String(field)}"`;
  throw new ValidationError(
    `This is not a valid ComfyUI API-format workflow: ${where}${more}. Export it again with Workflow → Export (API).`,
    node,
    input_,
  ).withCode('workflow-invalid', { detail: `${where}${more}` });
}

/** The workflow as JSON text, big integers written exactly. `indent` 2 for files, 0 for request bodies. */
export function serializeWorkflow(workflow: ApiWorkflow, indent = 0): string {
  return stringifyJson(workflow, indent);
}
