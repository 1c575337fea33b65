// Which prompt text is positive and which negative. Both are CLIPTextEncode nodes with the same title ("CLIP Text
// Encode (Prompt)" in the sample, or a translation), so titles cannot tell them apart; the graph can: follow each
// sampler's `positive` and `negative` links back to the text encoders, through simple conditioning pass-throughs.

import { isLink, isLiteral, type ApiWorkflow, type Link } from './workflow-types';

export type PromptRole = 'positive' | 'negative' | 'prompt';

/** A text-encoder node: core CLIPTextEncode and its variants (SDXL, SD3, Flux…), whose string inputs are prompts. */
export function isTextEncoder(classType: string | undefined): boolean {
  return classType !== undefined && /TextEncode/.test(classType);
}

/** Where the literal text of a prompt lives: the encoder's own input, or a simple text node it is linked to. */
export interface PromptSource {
  node: string;
  input: string;
}

/**
 * The literal text inputs of every text encoder, each with its role: `positive` or `negative` when only reached from
 * sampler inputs of that name, `prompt` when unreached or reached as both.
 */
export function findPromptRoles(workflow: ApiWorkflow): Map<string, PromptRole> {
  const reached = new Map<string, Set<'positive' | 'negative'>>();
  const mark = (key: string, role: 'positive' | 'negative'): void => {
    const roles = reached.get(key) ?? new Set();
    roles.add(role);
    reached.set(key, roles);
  };

  for (const node of Object.values(workflow)) {
    for (const role of ['positive', 'negative'] as const) {
      const link = node.inputs[role];
      if (isLink(link)) trace(workflow, link, new Set(), (key) => mark(key, role));
    }
    // Flux-style guiders take one conditioning, which is the positive prompt.
    const conditioning = node.inputs.conditioning;
    if (node.class_type?.endsWith('Guider') && isLink(conditioning)) {
      trace(workflow, conditioning, new Set(), (key) => mark(key, 'positive'));
    }
  }

  const roles = new Map<string, PromptRole>();
  for (const key of promptSources(workflow)) {
    const found = reached.get(key);
    const only = found?.size === 1 ? [...found][0] : undefined;
    roles.set(key, only ?? 'prompt');
  }
  return roles;
}

function trace(workflow: ApiWorkflow, link: Link, visited: Set<string>, found: (key: string) => void): void {
  const [sourceId] = link;
  if (visited.has(sourceId)) return;
  visited.add(sourceId);
  const source = workflow[sourceId];
  if (!source) return;
  if (isTextEncoder(source.class_type)) {
    for (const key of textInputsOf(workflow, sourceId)) found(key);
    return;
  }
  // A node that itself takes positive/negative (ControlNetApplyAdvanced, CFGGuider…) is traced as a root of its own.
  if (isLink(source.inputs.positive) || isLink(source.inputs.negative)) return;
  for (const [name, value] of Object.entries(source.inputs)) {
    if (name.startsWith('conditioning') && isLink(value)) trace(workflow, value, visited, found);
  }
}

/** Keys `<node>.<input>` of the literal prompt texts of one encoder, following a text input linked to a text node. */
function textInputsOf(workflow: ApiWorkflow, encoderId: string): string[] {
  const encoder = workflow[encoderId];
  if (!encoder) return [];
  const keys: string[] = [];
  for (const [name, value] of Object.entries(encoder.inputs)) {
    if (typeof value === 'string') keys.push(`${encoderId}.${name}`);
    else if (isLink(value) && name !== 'clip') {
      const source = simpleTextSource(workflow, value[0]);
      if (source) keys.push(`${source.node}.${source.input}`);
    }
  }
  return keys;
}

/**
 * A node with no links and exactly one string input (a "Text" or "String" primitive) holds a prompt text; a loader
 * (its one string is a `*_name` file choice) does not.
 */
function simpleTextSource(workflow: ApiWorkflow, nodeId: string): PromptSource | undefined {
  const node = workflow[nodeId];
  if (!node || isTextEncoder(node.class_type)) return undefined;
  const values = Object.entries(node.inputs);
  if (values.some(([, value]) => !isLiteral(value))) return undefined;
  const strings = values.filter(([, value]) => typeof value === 'string');
  const [only] = strings;
  if (strings.length !== 1 || !only || only[0].endsWith('_name')) return undefined;
  return { node: nodeId, input: only[0] };
}

function promptSources(workflow: ApiWorkflow): Set<string> {
  const keys = new Set<string>();
  for (const [id, node] of Object.entries(workflow)) {
    if (isTextEncoder(node.class_type)) for (const key of textInputsOf(workflow, id)) keys.add(key);
  }
  return keys;
}
