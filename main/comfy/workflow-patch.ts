// Setting parameter values on a copy of a workflow: one call per job of a batch, so the original is never touched.

import { ValidationError } from '../errors';
import { describeNode, isLink, nodeTitle, type ApiWorkflow, type LiteralValue } from './workflow-types';

export type ParameterPatch = Readonly<Record<string, LiteralValue>>;

const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Integers stay exact: a bigint that fits is a number again, one that does not stays bigint. */
function normaliseInteger(value: bigint): number | bigint {
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value;
}

/**
 * The new value in the type the input already has. Numeric inputs also take decimal text, so that a seed beyond 2^53
 * can travel as a string (over IPC, from a text field) and still arrive exact.
 */
function coerce(
  workflow: ApiWorkflow,
  node: string,
  input: string,
  current: unknown,
  value: LiteralValue,
): LiteralValue {
  const where = `input "${input}" of ${describeNode(workflow, node)}`;
  const refuse = (expected: string, code: 'number' | 'text' | 'boolean' | 'value' = 'number'): never => {
    throw new ValidationError(`Cannot set ${where} to ${String(value)}: it expects ${expected}.`, node, input).withCode(
      `parameter-expects-${code}`,
      { id: node, title: nodeTitle(workflow, node), input, value: String(value) },
    );
  };
  if (typeof current === 'number' || typeof current === 'bigint') {
    if (typeof value === 'bigint') return normaliseInteger(value);
    if (typeof value === 'number') return Number.isFinite(value) ? value : refuse('a finite number');
    if (typeof value === 'string') {
      const text = value.trim();
      if (INTEGER_TEXT.test(text)) return normaliseInteger(BigInt(text));
      if (NUMBER_TEXT.test(text)) return Number(text);
    }
    return refuse('a number');
  }
  if (typeof current === 'string') return typeof value === 'string' ? value : refuse('text', 'text');
  if (typeof current === 'boolean') return typeof value === 'boolean' ? value : refuse('true or false', 'boolean');
  return refuse('a literal value', 'value');
}

/** Finds the node and input of an id `<node>.<input>`; node ids may themselves contain dots, so every split is tried. */
export function resolveParameterId(workflow: ApiWorkflow, id: string): { node: string; input: string } | undefined {
  for (let dot = id.indexOf('.'); dot !== -1; dot = id.indexOf('.', dot + 1)) {
    const node = id.slice(0, dot);
    const input = id.slice(dot + 1);
    const entry = workflow[node];
    if (entry && Object.hasOwn(entry.inputs, input)) return { node, input };
  }
  return undefined;
}

/**
 * A new workflow with the given `{"<node>.<input>": value}` set. Refuses, with a ValidationError naming the node and
 * input, an id that is not an existing input, an input that is a link (its value comes from another node), and a
 * value of the wrong type. The given workflow is not modified.
 */
export function patchWorkflow(workflow: ApiWorkflow, patch: ParameterPatch): ApiWorkflow {
  const result = structuredClone(workflow);
  for (const [id, value] of Object.entries(patch)) {
    const target = resolveParameterId(result, id);
    if (!target) {
      const node = id.includes('.') ? id.slice(0, id.indexOf('.')) : id;
      throw new ValidationError(
        `There is no parameter "${id}" in this workflow (expected "<node id>.<input name>" of an existing input). The workflow may have changed; pick the parameters again.`,
        result[node] ? node : undefined,
      ).withCode('parameter-gone', { parameter: id });
    }
    const { node, input } = target;
    const entry = result[node];
    if (!entry) continue; // resolveParameterId found it; kept for the type checker
    const current = entry.inputs[input];
    if (isLink(current)) {
      throw new ValidationError(
        `Cannot set input "${input}" of ${describeNode(result, node)}: it is linked to node ${current[0]}, which gives its value. Change it there, or disconnect it in ComfyUI.`,
        node,
        input,
      ).withCode('parameter-linked', {
        id: node,
        title: nodeTitle(result, node),
        input,
        source: current[0],
      });
    }
    entry.inputs[input] = coerce(result, node, input, current, value);
  }
  return result;
}
