// ComfyUI's default ("classic") cache: a node whose class and inputs — through its links, all the way up — match
// a node of the previous prompt is not executed again; its outputs are reused and it is listed in
// `execution_cached`. Re-queuing an identical prompt therefore saves no new file: its history repeats the old names.
import { createHash } from 'node:crypto';
import type { ApiPrompt } from './engine-types';
import type { NodeResult } from './node-executors';
import { pythonJsonDumps } from './png';

export class ExecutionCache {
  private entries = new Map<string, NodeResult>();

  get size(): number {
    return this.entries.size;
  }

  get(signature: string): NodeResult | undefined {
    return this.entries.get(signature);
  }

  set(signature: string, result: NodeResult): void {
    this.entries.set(signature, result);
  }

  /** Keeps only the entries the current prompt can use, as ComfyUI drops what the new prompt no longer has. */
  retainOnly(signatures: Iterable<string>): void {
    const keep = new Set(signatures);
    for (const signature of this.entries.keys()) if (!keep.has(signature)) this.entries.delete(signature);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** A signature per node (in execution order, so upstream signatures exist): class, literal inputs, linked signatures. */
export function nodeSignatures(prompt: ApiPrompt, order: string[]): Map<string, string> {
  const signatures = new Map<string, string>();
  for (const id of order) {
    const node = prompt[id];
    if (!node) continue;
    const inputs = Object.keys(node.inputs)
      .sort()
      .map((name) => {
        const value = node.inputs[name];
        const linked =
          Array.isArray(value) && value.length === 2 && typeof value[0] === 'string'
            ? ['link', signatures.get(value[0]) ?? `missing:${value[0]}`, value[1] as unknown]
            : ['value', value];
        return [name, linked];
      });
    const text = pythonJsonDumps([node.class_type, inputs]);
    signatures.set(id, createHash('sha256').update(text).digest('hex'));
  }
  return signatures;
}
