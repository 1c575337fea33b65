// Checks a workflow before it is sent, so the artist hears about a broken graph at once, in words that name the node
// and input, rather than from a 400 (or, on the API edition, from a silent failure in the sink queue much later).

import { ValidationError } from '../errors';
import { builtinCatalog, isOutputNode, type NodeCatalog } from './node-catalog';
import {
  describeNode,
  isLink,
  isLiteral,
  nodeTitle,
  sortedNodeIds,
  type ApiWorkflow,
  type LiteralValue,
} from './workflow-types';

/** The values a coded sentence names for `input` of node `id`: the node's id and title, and the input. */
function at(workflow: ApiWorkflow, id: string, input?: string): Record<string, string> {
  return { id, title: nodeTitle(workflow, id), ...(input === undefined ? {} : { input }) };
}

export interface ValidateOptions {
  /** Knowledge of node classes, e.g. catalogFromObjectInfo(GET /object_info); the built-in list otherwise. */
  catalog?: NodeCatalog;
}

function excerptValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ?? '';
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** Every problem of the workflow, each a ValidationError naming the node (with its title) and input. Empty = valid. */
export function validateWorkflow(workflow: ApiWorkflow, options: ValidateOptions = {}): ValidationError[] {
  const catalog = options.catalog ?? builtinCatalog;
  const problems: ValidationError[] = [];
  const ids = sortedNodeIds(workflow);

  for (const id of ids) {
    const node = workflow[id];
    if (!node) continue;
    const where = describeNode(workflow, id);
    if (!node.class_type?.trim()) {
      problems.push(
        new ValidationError(
          `Node ${where} has no class_type, so ComfyUI cannot tell which node it is. Export the workflow again with Workflow → Export (API).`,
          id,
        ).withCode('node-class-missing', at(workflow, id)),
      );
    }
    for (const [input, value] of Object.entries(node.inputs)) {
      const problem = checkInput(workflow, catalog, id, input, value);
      if (problem) problems.push(problem);
    }
    const specs = node.class_type ? catalog.get(node.class_type)?.inputs : undefined;
    for (const [input, spec] of Object.entries(specs ?? {})) {
      if (spec.required && !Object.hasOwn(node.inputs, input)) {
        problems.push(
          new ValidationError(
            `Input "${input}" of ${where} is required but missing. Connect or set it in ComfyUI and export again.`,
            id,
            input,
          ).withCode('input-required-missing', at(workflow, id, input)),
        );
      }
    }
  }

  problems.push(...findCycles(workflow, ids));

  const hasOutput = ids.some((id) => {
    const classType = workflow[id]?.class_type;
    return classType !== undefined && isOutputNode(classType, catalog);
  });
  if (!hasOutput) {
    problems.push(
      new ValidationError(
        'The workflow has no output node (such as Save Image, Preview Image or Video Combine), so ComfyUI would run nothing. Add a Save Image node and export it again.',
      ).withCode('workflow-no-output'),
    );
  }
  return problems;
}

function checkInput(
  workflow: ApiWorkflow,
  catalog: NodeCatalog,
  id: string,
  input: string,
  value: unknown,
): ValidationError | undefined {
  const where = `Input "${input}" of ${describeNode(workflow, id)}`;
  if (isLiteral(value)) return checkLiteral(workflow, catalog, id, input, value, where);
  if (!isLink(value)) {
    const looksLikeLink = Array.isArray(value) && value.length === 2 && typeof value[1] === 'number';
    const hint = looksLikeLink
      ? 'a link must be ["<node id as text>", <output index ≥ 0>]'
      : 'it must be a text, a number, true/false, or a link ["<node id>", <output index>]';
    return new ValidationError(
      `${where} holds ${excerptValue(value)}, which is neither a value nor a link: ${hint}.`,
      id,
      input,
    ).withCode(looksLikeLink ? 'input-link-malformed' : 'input-value-malformed', {
      ...at(workflow, id, input),
      value: excerptValue(value),
    });
  }
  const [source, index] = value;
  const sourceNode = workflow[source];
  if (!sourceNode) {
    return new ValidationError(
      `${where} is linked to node ${source}, which is not in the workflow. Reconnect the input in ComfyUI and export again.`,
      id,
      input,
    ).withCode('input-link-node-missing', { ...at(workflow, id, input), source });
  }
  const outputCount = sourceNode.class_type ? catalog.get(sourceNode.class_type)?.outputCount : undefined;
  if (outputCount !== undefined && index >= outputCount) {
    const has = outputCount === 0 ? 'has no outputs' : `has only ${outputCount} output${outputCount === 1 ? '' : 's'}`;
    return new ValidationError(
      `${where} is linked to output ${index} of ${describeNode(workflow, source)}, which ${has}. Reconnect the input in ComfyUI and export again.`,
      id,
      input,
    ).withCode('input-link-output-missing', {
      ...at(workflow, id, input),
      source,
      sourceTitle: nodeTitle(workflow, source),
      output: index,
      outputs: outputCount,
    });
  }
  return undefined;
}

/**
 * The one literal input `node`.`input` against the catalogue (choices, min/max): for checking the values a batch
 * varies without validating every job's whole workflow again.
 */
export function validateInputValue(
  workflow: ApiWorkflow,
  node: string,
  input: string,
  catalog: NodeCatalog,
): ValidationError | undefined {
  const value = workflow[node]?.inputs[input];
  if (!isLiteral(value)) return undefined;
  return checkLiteral(workflow, catalog, node, input, value, `Input "${input}" of ${describeNode(workflow, node)}`);
}

/** A value and the bound it crosses, as numbers when exact (the renderer formats them) and as text past 2^53. */
function bound(value: number | bigint, limit: number | bigint): Record<string, string | number> {
  const exact = (n: number | bigint) =>
    typeof n === 'number' || Number.isSafeInteger(Number(n)) ? Number(n) : n.toString();
  return { value: exact(value), limit: exact(limit) };
}

/** Against object_info, when the caller gave one: combo choices (a checkpoint the server lacks) and min/max. */
function checkLiteral(
  workflow: ApiWorkflow,
  catalog: NodeCatalog,
  id: string,
  input: string,
  value: LiteralValue,
  where: string,
): ValidationError | undefined {
  const classType = workflow[id]?.class_type;
  const spec = classType ? catalog.get(classType)?.inputs?.[input] : undefined;
  if (!spec) return undefined;
  // An uploaded file is not in a list read before it was uploaded; the service checks that the file exists.
  const choices = spec.upload === true ? undefined : spec.choices;
  if (choices && choices.length === 0 && typeof value === 'string') {
    // ComfyUI refuses every value of an empty list (a models folder with nothing in it): say so before it is sent.
    return new ValidationError(
      `${where} is "${value}", but this service offers no choices for it: its folder for them is empty. Add the file to the service (or pick another service), then refresh its models.`,
      id,
      input,
    ).withCode('input-choice-none', { ...at(workflow, id, input), value });
  }
  if (choices && choices.length > 0 && typeof value === 'string' && !choices.includes(value)) {
    const shown = choices.slice(0, 5).join(', ') + (choices.length > 5 ? ', …' : '');
    return new ValidationError(
      `${where} is "${value}", which this service does not offer. Choose one of: ${shown}.`,
      id,
      input,
    ).withCode('input-choice-unknown', { ...at(workflow, id, input), value, choices: shown });
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    // number and bigint compare by mathematical value, so 2^64 − 1 bounds work on either side.
    if (spec.min !== undefined && value < spec.min) {
      return new ValidationError(
        `${where} is ${value.toString()}, below its minimum ${spec.min.toString()}.`,
        id,
        input,
      ).withCode('input-below-minimum', { ...at(workflow, id, input), ...bound(value, spec.min) });
    }
    if (spec.max !== undefined && value > spec.max) {
      return new ValidationError(
        `${where} is ${value.toString()}, above its maximum ${spec.max.toString()}.`,
        id,
        input,
      ).withCode('input-above-maximum', { ...at(workflow, id, input), ...bound(value, spec.max) });
    }
  }
  return undefined;
}

/** Each loop once, named by its nodes in link order; ComfyUI executes only acyclic graphs. */
function findCycles(workflow: ApiWorkflow, ids: string[]): ValidationError[] {
  const problems: ValidationError[] = [];
  const state = new Map<string, 'active' | 'done'>();
  const seen = new Set<string>();
  // path[i] is a node on the current walk; via[i] is the input of path[i] that led to path[i + 1].
  const path: string[] = [];
  const via: string[] = [];

  const visit = (id: string): void => {
    state.set(id, 'active');
    path.push(id);
    const node = workflow[id];
    for (const [input, value] of Object.entries(node?.inputs ?? {})) {
      if (!isLink(value) || !workflow[value[0]]) continue;
      const next = value[0];
      via[path.length - 1] = input;
      const nextState = state.get(next);
      if (nextState === 'active') {
        const start = path.indexOf(next);
        const loop = path.slice(start);
        const key = [...loop].sort().join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          const names = [...loop, next].map((n) => describeNode(workflow, n)).join(' → ');
          problems.push(
            new ValidationError(
              `Nodes ${names} are linked in a loop; ComfyUI can only run a graph without loops. Break the loop in ComfyUI and export again.`,
              next,
              via[start] ?? input,
            ).withCode('workflow-loop', { nodes: [...loop, next].map((n) => nodeTitle(workflow, n)).join(' → ') }),
          );
        }
      } else if (nextState === undefined) {
        visit(next);
      }
    }
    path.pop();
    state.set(id, 'done');
  };

  for (const id of ids) if (!state.has(id)) visit(id);
  return problems;
}

/** Throws one ValidationError listing every problem (node and input of the first), or returns when the graph is sound. */
export function assertValidWorkflow(workflow: ApiWorkflow, options: ValidateOptions = {}): void {
  const problems = validateWorkflow(workflow, options);
  const first = problems[0];
  if (!first) return;
  if (problems.length === 1) throw first;
  const list = problems.map((p, i) => `${i + 1}. ${p.message}`).join('\n');
  const refusal = new ValidationError(
    `The workflow has ${problems.length} problems:\n${list}`,
    first.node,
    first.input,
  );
  // The renderer words the count and the first problem (its own code and values), which is where the page points.
  if (first.code)
    refusal.withCode('workflow-problems', { ...first.params, problems: problems.length, first: first.code });
  throw refusal;
}
