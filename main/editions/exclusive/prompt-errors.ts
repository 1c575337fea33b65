// A 400 from POST /prompt names the failing nodes and inputs (reference/comfyui-api.md, "Errors of /prompt"). The
// artist needs them as one sentence per problem, with the node's title from the workflow, e.g.
// "KSampler (node 3): steps 0 is below the minimum 1".
import { ServiceError, ValidationError, excerpt } from '../../errors';
import { redact } from '../../log/redact';
import { nodeTitle, type ApiWorkflow } from '../../comfy/workflow-types';
import { promptErrorSchema, type PromptErrorBody, type PromptErrorItem } from './comfy-replies';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `input_config` is `[TYPE, {min, max, …}]`. */
function limit(extra: Record<string, unknown>, key: 'min' | 'max'): unknown {
  const config = extra.input_config;
  if (!Array.isArray(config)) return undefined;
  const options: unknown = config[1];
  return isRecord(options) ? options[key] : undefined;
}

function inputName(item: PromptErrorItem): string | undefined {
  const name = item.extra_info?.input_name;
  return typeof name === 'string' ? name : undefined;
}

/** One node error as a clause: "steps 0 is below the minimum 1". */
export function describeNodeError(item: PromptErrorItem): string {
  const extra = item.extra_info ?? {};
  const input = inputName(item);
  const received = 'received_value' in extra ? show(extra.received_value) : undefined;
  const fallback = [item.message, item.details].filter(Boolean).join(': ') || 'ComfyUI refused it';
  switch (item.type) {
    case 'required_input_missing':
      return input ? `the required input ${input} is missing` : fallback;
    case 'value_smaller_than_min': {
      const min = limit(extra, 'min');
      return input && received !== undefined && min !== undefined
        ? `${input} ${received} is below the minimum ${show(min)}`
        : fallback;
    }
    case 'value_bigger_than_max': {
      const max = limit(extra, 'max');
      return input && received !== undefined && max !== undefined
        ? `${input} ${received} is above the maximum ${show(max)}`
        : fallback;
    }
    case 'value_not_in_list':
      return input && received !== undefined
        ? `${input} ${received} is not one of the choices this service offers (is the model or file installed?)`
        : fallback;
    case 'invalid_input_type':
      return input && received !== undefined ? `${input} ${received} has the wrong type (${fallback})` : fallback;
    default:
      return input ? `${input}: ${fallback}` : fallback;
  }
}

interface NodeErrorSentences {
  sentences: string[];
  firstNode?: string;
  firstInput?: string;
}

/** One sentence per node error, the node named by its title in the workflow. */
function nodeErrorSentences(nodeErrors: PromptErrorBody['node_errors'], workflow: ApiWorkflow): NodeErrorSentences {
  const found: NodeErrorSentences = { sentences: [] };
  for (const [nodeId, nodeError] of Object.entries(nodeErrors ?? {})) {
    const title = workflow[nodeId] ? nodeTitle(workflow, nodeId) : (nodeError.class_type ?? 'a node');
    for (const item of nodeError.errors) {
      found.sentences.push(`${title} (node ${nodeId}): ${describeNodeError(item)}`);
      found.firstNode ??= nodeId;
      found.firstInput ??= inputName(item);
    }
  }
  return found;
}

/**
 * The `node_errors` of a 200 from POST /prompt. ComfyUI accepts a prompt when at least one output node is valid and
 * runs only those, naming the others here: for the artist that is a broken workflow, not a success with fewer images.
 * Undefined when every output passed.
 */
export function partialRejection(
  nodeErrors: unknown,
  workflow: ApiWorkflow,
  label: string,
): ValidationError | undefined {
  const parsed = promptErrorSchema.shape.node_errors.safeParse(nodeErrors);
  if (!parsed.success) return undefined;
  const { sentences, firstNode, firstInput } = nodeErrorSentences(parsed.data, workflow);
  if (sentences.length === 0) return undefined;
  return new ValidationError(
    `${label} ran only part of the workflow and refused the rest: ${redact(sentences.join('; '))}. The job was withdrawn; fix the workflow and queue it again.`,
    firstNode,
    firstInput,
  );
}

/**
 * An `invalid_prompt` error (a class the service does not have, a node without class_type) carries no node_errors;
 * ComfyUI names the node only in `details`: "Node ID '#3'".
 */
function nodeOfInvalidPrompt(top: PromptErrorItem, workflow: ApiWorkflow): string | undefined {
  if (top.type !== 'invalid_prompt') return undefined;
  const id = /^Node ID '#(.+)'$/.exec(top.details ?? '')?.[1];
  return id !== undefined && Object.hasOwn(workflow, id) ? id : undefined;
}

/**
 * Turns the JSON body of a 400 into a ValidationError naming every failing node and input; `node` and `input` of the
 * error are the first ones. A body that is not ComfyUI's shape becomes a ServiceError with an excerpt.
 */
export function promptRejection(status: number, bodyText: string, workflow: ApiWorkflow, label: string): Error {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    json = undefined;
  }
  const parsed = promptErrorSchema.safeParse(json);
  if (!parsed.success) {
    const detail = redact(excerpt(bodyText));
    return new ServiceError(
      `${label} rejected the workflow (HTTP ${status}${detail ? `: ${detail}` : ''}).`,
      status,
      detail,
    );
  }
  const { sentences, firstNode, firstInput } = nodeErrorSentences(parsed.data.node_errors, workflow);
  const top = parsed.data.error;
  if (sentences.length === 0) {
    const node = isRecord(top) ? nodeOfInvalidPrompt(top, workflow) : undefined;
    if (node !== undefined && isRecord(top)) {
      const reason = redact(top.message ?? 'ComfyUI cannot run it');
      return new ValidationError(
        `${label} rejected the workflow: ${nodeTitle(workflow, node)} (node ${node}): ${reason} Install the node on the service or remove it from the workflow.`,
        node,
      );
    }
    const text =
      typeof top === 'string' ? top : [top?.message, top?.details].filter(Boolean).join(': ') || 'no reason given';
    const hint =
      isRecord(top) && top.type === 'prompt_no_outputs'
        ? ' Add an output node such as Save Image and export the workflow again.'
        : '';
    return new ValidationError(`${label} rejected the workflow: ${redact(text)}.${hint}`);
  }
  return new ValidationError(
    `${label} rejected the workflow: ${redact(sentences.join('; '))}. Fix the workflow and queue it again.`,
    firstNode,
    firstInput,
  );
}
