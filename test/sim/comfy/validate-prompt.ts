// Prompt validation as ComfyUI's execution.validate_prompt does it: every class must exist, there must be an output
// node, and each output node's inputs are checked recursively through its links. Error types, messages and
// extra_info follow reference/comfyui-api.md so clients can be tested against the shapes a real server sends.
import { stringifyJson } from '../../../main/comfy/json-bigint';
import type { ApiPrompt, NodeErrorItem, PromptErrorBody, PromptValidation } from './engine-types';
import { findNodeClass, type InputSpec } from './node-catalogue';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorItem(type: string, message: string, details: string, extra: Record<string, unknown> = {}): NodeErrorItem {
  return { type, message, details, extra_info: extra };
}

function failure(error: NodeErrorItem, nodeErrors: PromptErrorBody['node_errors'] = {}): PromptValidation {
  return { ok: false, body: { error, node_errors: nodeErrors } };
}

/** Python-ish repr for messages: strings quoted, lists bracketed. */
function repr(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(repr).join(', ')}]`;
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return stringifyJson(value);
}

/** Raised inside validation where ComfyUI's Python would raise (KeyError, IndexError). */
class PythonException extends Error {
  constructor(
    readonly pythonType: string,
    message: string,
  ) {
    super(message);
  }
}

export type Converted = { ok: true; value: number | bigint | string | boolean } | { ok: false; message: string };

/** An exact integer: a number while it is safe, a bigint beyond (Python's int has no limit). */
function exactInt(digits: string): number | bigint {
  const big = BigInt(digits);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** int(val) in Python: floats truncate, integer strings parse, anything else fails. */
export function toInt(value: unknown): Converted {
  if (typeof value === 'bigint') return { ok: true, value };
  if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value: Math.trunc(value) };
  if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) {
    return { ok: true, value: exactInt(value.trim().replace(/^\+/, '')) };
  }
  if (typeof value === 'string')
    return { ok: false, message: `invalid literal for int() with base 10: ${repr(value)}` };
  return { ok: false, message: `int() argument must be a string, a bytes-like object or a real number` };
}

/** float(val) in Python. */
export function toFloat(value: unknown): Converted {
  if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value };
  if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return { ok: true, value: Number(value) };
  }
  if (typeof value === 'string') return { ok: false, message: `could not convert string to float: ${repr(value)}` };
  return { ok: false, message: `float() argument must be a string or a real number` };
}

function convertLiteral(type: string, value: unknown): Converted {
  switch (type) {
    case 'INT':
      return toInt(value);
    case 'FLOAT':
      return toFloat(value);
    case 'STRING':
      return typeof value === 'object' && value !== null
        ? { ok: true, value: stringifyJson(value) }
        : { ok: true, value: String(value) };
    case 'BOOLEAN':
      return { ok: true, value: Boolean(value) };
    default:
      // a model, conditioning, latent or image input can only be fed by a link
      return { ok: false, message: `a ${type} input must be a link [node_id, output_index], not a value` };
  }
}

/** A file name for LoadImage: data, never a path. */
export function isSafeInputName(name: string): boolean {
  return name !== '' && !name.includes('..') && !name.startsWith('/') && !name.includes('\\') && !name.includes('\0');
}

class PromptValidator {
  private readonly results = new Map<string, { ok: boolean; errors: NodeErrorItem[] }>();

  constructor(private readonly prompt: ApiPrompt) {}

  /** Validates one output node; Python exceptions become `exception_during_validation` on that node. */
  validateOutput(id: string): boolean {
    try {
      return this.validateNode(id);
    } catch (error) {
      if (!(error instanceof PythonException)) throw error;
      const errors = [
        errorItem('exception_during_validation', 'Exception when validating node', error.message, {
          exception_type: error.pythonType,
          traceback: [`  File "execution.py", line 1, in validate_inputs\n    ${error.pythonType}: ${error.message}\n`],
        }),
      ];
      this.results.set(id, { ok: false, errors });
      return false;
    }
  }

  /** Node ids reachable from `id` through links (itself included), for `dependent_outputs`. */
  upstreamOf(id: string, seen = new Set<string>()): Set<string> {
    if (seen.has(id)) return seen;
    seen.add(id);
    const node = this.prompt[id];
    if (!node) return seen;
    for (const value of Object.values(node.inputs)) {
      if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && this.prompt[value[0]]) {
        this.upstreamOf(value[0], seen);
      }
    }
    return seen;
  }

  failures(): [string, NodeErrorItem[]][] {
    return [...this.results.entries()].filter(([, r]) => !r.ok && r.errors.length > 0).map(([id, r]) => [id, r.errors]);
  }

  private validateNode(id: string): boolean {
    const known = this.results.get(id);
    if (known) return known.ok;
    // a cycle resolves as valid here, as in ComfyUI (it fails later, at execution)
    this.results.set(id, { ok: true, errors: [] });
    const node = this.prompt[id];
    const nodeClass = node ? findNodeClass(node.class_type) : undefined;
    if (!node || !nodeClass) throw new PythonException('KeyError', `'${id}'`);
    const inputs = node.inputs;
    const errors: NodeErrorItem[] = [];
    let valid = true;
    const specs: [string, InputSpec, boolean][] = [
      ...Object.entries(nodeClass.required).map(([name, spec]): [string, InputSpec, boolean] => [name, spec, true]),
      ...Object.entries(nodeClass.optional ?? {}).map(([name, spec]): [string, InputSpec, boolean] => [
        name,
        spec,
        false,
      ]),
    ];
    for (const [name, spec, required] of specs) {
      if (!Object.hasOwn(inputs, name)) {
        if (required) {
          errors.push(errorItem('required_input_missing', 'Required input is missing', name, { input_name: name }));
          valid = false;
        }
        continue;
      }
      const item = this.checkInput(nodeClass.name, name, spec, inputs[name]);
      if (item === 'upstream_failed') valid = false;
      else if (item) {
        errors.push(item);
        valid = false;
      }
    }
    this.results.set(id, { ok: valid, errors });
    return valid;
  }

  /** One input: undefined when fine, an error item, or 'upstream_failed' when a linked node failed on its own. */
  private checkInput(
    classType: string,
    name: string,
    spec: InputSpec,
    value: unknown,
  ): NodeErrorItem | 'upstream_failed' | undefined {
    const [type, options = {}] = spec;
    if (Array.isArray(value)) {
      if (value.length !== 2) {
        return errorItem(
          'bad_linked_input',
          'Bad linked input, must be a length-2 list of [node_id, slot_index]',
          name,
          { input_name: name, input_config: spec, received_value: value },
        );
      }
      const [sourceId, slot] = value as [unknown, unknown];
      const source = typeof sourceId === 'string' ? this.prompt[sourceId] : undefined;
      // ComfyUI reads prompt[source_id] outside its inner try: a missing node fails the whole output node
      if (!source || typeof sourceId !== 'string') throw new PythonException('KeyError', repr(sourceId));
      const sourceClass = findNodeClass(source.class_type);
      const received = typeof slot === 'number' && Number.isInteger(slot) ? sourceClass?.output[slot] : undefined;
      if (received === undefined) throw new PythonException('IndexError', 'tuple index out of range');
      const expected = Array.isArray(type) ? 'COMBO' : type;
      if (received !== expected && expected !== '*') {
        return errorItem(
          'return_type_mismatch',
          'Return type mismatch between linked nodes',
          `${name}, received_type(${received}) mismatch input_type(${expected})`,
          { input_name: name, input_config: spec, received_type: received, linked_node: value },
        );
      }
      return this.validateNode(sourceId) ? undefined : 'upstream_failed';
    }
    if (Array.isArray(type)) {
      if (classType === 'LoadImage' && name === 'image') {
        return typeof value === 'string' && isSafeInputName(value)
          ? undefined
          : errorItem(
              'custom_validation_failed',
              'Custom validation failed for node',
              `image - Invalid image file: ${String(value)}`,
              {
                input_name: name,
                input_config: spec,
                received_value: value,
              },
            );
      }
      if (!type.some((choice) => choice === value)) {
        // ComfyUI does not send back long lists (scanned model files)
        const long = type.length > 20;
        const listInfo = long ? `(list of length ${type.length})` : repr(type);
        return errorItem('value_not_in_list', 'Value not in list', `${name}: ${repr(value)} not in ${listInfo}`, {
          input_name: name,
          input_config: long ? null : spec,
          received_value: value,
        });
      }
      return undefined;
    }
    const converted = convertLiteral(type, value);
    if (!converted.ok) {
      return errorItem(
        'invalid_input_type',
        `Failed to convert an input value to a ${type} value`,
        `${name}, ${repr(value)}, ${converted.message}`,
        { input_name: name, input_config: spec, received_value: value, exception_message: converted.message },
      );
    }
    const number = converted.value;
    // A bigint compares with the catalogue's number limits by value (2^64 - 1 is within the seed's max).
    if (typeof number === 'number' || typeof number === 'bigint') {
      const { min, max } = options;
      if ((typeof min === 'number' || typeof min === 'bigint') && number < min) {
        return errorItem('value_smaller_than_min', `Value ${number} smaller than min of ${min}`, name, {
          input_name: name,
          input_config: spec,
          received_value: number,
        });
      }
      if ((typeof max === 'number' || typeof max === 'bigint') && number > max) {
        return errorItem('value_bigger_than_max', `Value ${number} bigger than max of ${max}`, name, {
          input_name: name,
          input_config: spec,
          received_value: number,
        });
      }
    }
    return undefined;
  }
}

/** Validates an API-format prompt (`{node_id: {class_type, inputs}}`) against the simulator's node catalogue. */
export function validatePrompt(prompt: unknown): PromptValidation {
  if (!isRecord(prompt)) {
    return failure(errorItem('invalid_prompt', 'Cannot execute because the prompt is not an object.', ''));
  }
  const graph: ApiPrompt = {};
  const outputs: string[] = [];
  for (const [id, node] of Object.entries(prompt)) {
    if (!isRecord(node) || typeof node.class_type !== 'string') {
      return failure(
        errorItem(
          'invalid_prompt',
          'Cannot execute because a node is missing the class_type property.',
          `Node ID '#${id}'`,
        ),
      );
    }
    const nodeClass = findNodeClass(node.class_type);
    if (!nodeClass) {
      return failure(
        errorItem(
          'invalid_prompt',
          `Cannot execute because node ${node.class_type} does not exist.`,
          `Node ID '#${id}'`,
        ),
      );
    }
    const meta = isRecord(node._meta) && typeof node._meta.title === 'string' ? { title: node._meta.title } : undefined;
    graph[id] = {
      class_type: node.class_type,
      inputs: isRecord(node.inputs) ? node.inputs : {},
      ...(meta ? { _meta: meta } : {}),
    };
    if (nodeClass.output_node) outputs.push(id);
  }
  if (outputs.length === 0) return failure(errorItem('prompt_no_outputs', 'Prompt has no outputs', ''));

  const validator = new PromptValidator(graph);
  const good: string[] = [];
  const failed: string[] = [];
  for (const id of outputs) (validator.validateOutput(id) ? good : failed).push(id);

  const nodeErrors: PromptErrorBody['node_errors'] = {};
  const lines: string[] = [];
  for (const [id, errors] of validator.failures()) {
    const node = graph[id];
    nodeErrors[id] = {
      errors,
      dependent_outputs: failed.filter((output) => validator.upstreamOf(output).has(id)),
      class_type: node?.class_type ?? '',
    };
    for (const error of errors) lines.push(`${error.message}: ${error.details}`);
  }
  // like ComfyUI, the valid outputs run when at least one is valid; the rest are dropped and named in node_errors
  if (good.length > 0) return { ok: true, outputNodes: good, nodeErrors };
  return failure(
    errorItem('prompt_outputs_failed_validation', 'Prompt outputs failed validation', lines.join('\n')),
    nodeErrors,
  );
}
