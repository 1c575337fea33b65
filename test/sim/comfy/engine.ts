// The simulated ComfyUI engine shared by both editions: validation (validate-prompt.ts) and execution, which walks
// the graph in dependency order and sends ComfyUI's websocket events as a real server does (reference/comfyui-api.md).
import type { ApiPrompt, ComfyEvent, NodeOutputs, OutputFile, RunOptions, RunResult } from './engine-types';
import { renderRgb } from './image-synth';
import { executeNode, InterruptedError, NodeExecutionError, type ImageValue, type NodeValue } from './node-executors';
import { encodePng, pythonJsonDumps } from './png';

import { nodeSignatures, type ExecutionCache } from './execution-cache';

export { validatePrompt } from './validate-prompt';
export { ExecutionCache } from './execution-cache';
export { objectInfoJson } from './node-catalogue';

class DependencyCycleError extends Error {
  constructor(readonly nodeId: string) {
    super(`Dependency cycle detected at node ${nodeId}`);
  }
}

function linkSource(value: unknown): [string, number] | undefined {
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'number') {
    return [value[0], value[1]];
  }
  return undefined;
}

/** Post-order depth-first walk from each output node: every node runs after the nodes it links to. */
export function executionOrder(prompt: ApiPrompt, outputNodes: string[]): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (id: string): void => {
    if (done.has(id)) return;
    if (visiting.has(id)) throw new DependencyCycleError(id);
    visiting.add(id);
    const node = prompt[id];
    for (const value of Object.values(node?.inputs ?? {})) {
      const link = linkSource(value);
      if (link && prompt[link[0]]) visit(link[0]);
    }
    visiting.delete(id);
    done.add(id);
    order.push(id);
  };
  for (const id of outputNodes) visit(id);
  return order;
}

/** Waits `ms` (or one turn of the event loop, so an interrupt can land), returning early when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  if (ms <= 0) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

interface NodeProgress {
  value: number;
  max: number;
  state: 'running' | 'finished';
  node_id: string;
  prompt_id: string;
  display_node_id: string;
  parent_node_id: null;
  real_node_id: string;
}

export interface EngineRunOptions extends RunOptions {
  /** The clock of event timestamps. */
  now?: () => number;
  /** A host's node cache (ComfyUI's default behaviour); without it every node runs every time. */
  cache?: ExecutionCache;
}

/** Runs a validated prompt. Never rejects for a node failure: the result says success, error or interrupted. */
export async function runPrompt(opts: EngineRunOptions): Promise<RunResult> {
  const { promptId, prompt, signal } = opts;
  const now = opts.now ?? Date.now;
  const outputs: NodeOutputs = {};
  const executed: string[] = [];
  const values = new Map<string, NodeValue[]>();
  const progress: Record<string, NodeProgress> = {};
  const send = (type: string, data: Record<string, unknown>): ComfyEvent => {
    const event = { type, data };
    opts.emit(event);
    return event;
  };
  const sendProgressState = (): void => {
    send('progress_state', { prompt_id: promptId, nodes: structuredClone(progress) });
  };
  const setProgress = (id: string, value: number, max: number, state: NodeProgress['state']): void => {
    progress[id] = {
      value,
      max,
      state,
      node_id: id,
      prompt_id: promptId,
      display_node_id: id,
      parent_node_id: null,
      real_node_id: id,
    };
    sendProgressState();
  };
  const promptText = pythonJsonDumps(prompt);
  const pngText = (): [string, string][] => [
    ['prompt', promptText],
    ...Object.entries(opts.extraPngInfo ?? {}).map(([key, value]): [string, string] => [key, pythonJsonDumps(value)]),
  ];
  const saveImages = async (image: ImageValue, prefix: string, type: OutputFile['type']): Promise<OutputFile[]> => {
    const files: OutputFile[] = [];
    for (const [index, frame] of image.frames.entries()) {
      const png = encodePng(
        { width: image.width, height: image.height, rgb: renderRgb(frame, image.width, image.height) },
        pngText(),
      );
      const { filename, subfolder } = opts.nameFile(prefix, index, 'png');
      const file: OutputFile = { filename, subfolder, type };
      await opts.writeFile(file, png);
      files.push(file);
    }
    return files;
  };
  const saveFile = async (
    bytes: Buffer,
    prefix: string,
    index: number,
    ext: string,
    type: OutputFile['type'],
  ): Promise<OutputFile> => {
    const { filename, subfolder } = opts.nameFile(prefix, index, ext);
    const file: OutputFile = { filename, subfolder, type };
    await opts.writeFile(file, bytes);
    return file;
  };
  const interrupted = (nodeId: string): RunResult => {
    const event = send('execution_interrupted', {
      prompt_id: promptId,
      node_id: nodeId,
      node_type: prompt[nodeId]?.class_type ?? '',
      executed: [...executed],
      timestamp: now(),
    });
    // an interrupted prompt's history lists no outputs (reference/comfyui-api.md)
    return { status: 'interrupted', outputs: {}, event };
  };
  const failed = (
    nodeId: string,
    exceptionType: string,
    message: string,
    inputs: Record<string, unknown>,
  ): RunResult => {
    const currentInputs: Record<string, unknown[]> = {};
    for (const [name, value] of Object.entries(inputs)) if (!linkSource(value)) currentInputs[name] = [value];
    const error = send('execution_error', {
      prompt_id: promptId,
      node_id: nodeId,
      node_type: prompt[nodeId]?.class_type ?? '',
      executed: [...executed],
      exception_message: message,
      exception_type: exceptionType,
      traceback: [`  File "execution.py", line 1, in execute\n    ${exceptionType}: ${message}\n`],
      current_inputs: currentInputs,
      current_outputs: {},
      timestamp: now(),
    });
    return { status: 'error', outputs, error };
  };

  send('execution_start', { prompt_id: promptId, timestamp: now() });
  let order: string[];
  try {
    order = executionOrder(prompt, opts.outputNodes);
  } catch (error) {
    if (!(error instanceof DependencyCycleError)) throw error;
    return failed(error.nodeId, 'DependencyCycleError', error.message, {});
  }
  const { cache } = opts;
  const signatures = nodeSignatures(prompt, order);
  cache?.retainOnly(signatures.values());
  // ComfyUI walks the prompt's own keys (JSON order; JavaScript lists integer keys in ascending order, as the app's
  // prompts arrive in any case)
  const cachedNodes = Object.keys(prompt).filter((id) => cache?.get(signatures.get(id) ?? '') !== undefined);
  send('execution_cached', { nodes: cachedNodes, prompt_id: promptId, timestamp: now() });
  const outputNodes = new Set(opts.outputNodes);

  for (const id of order) {
    const node = prompt[id];
    if (!node) continue;
    if (signal.aborted) return interrupted(id);
    const signature = signatures.get(id) ?? '';
    const cached = cache?.get(signature);
    if (cached) {
      // ComfyUI stages only output nodes and the uncached nodes they need: a cached output node reports its (old)
      // files and finishes, without `executing`; a cached node upstream of it is not visited at all.
      values.set(id, cached.outputs);
      executed.push(id);
      if (!outputNodes.has(id)) continue;
      if (cached.ui) {
        outputs[id] = cached.ui;
        send('executed', { node: id, display_node: id, output: cached.ui, prompt_id: promptId });
      }
      setProgress(id, 1, 1, 'finished');
      continue;
    }
    // ComfyUI's progress registry reports the node running before `executing` is sent
    setProgress(id, 0, 1, 'running');
    send('executing', { node: id, display_node: id, prompt_id: promptId });
    const inputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(node.inputs)) {
      const link = linkSource(value);
      inputs[name] = link ? values.get(link[0])?.[link[1]] : value;
    }
    try {
      const result = await executeNode(node.class_type, {
        nodeId: id,
        inputs,
        step: async (value, max) => {
          await pause(opts.stepMs, signal);
          if (signal.aborted) throw new InterruptedError();
          // ComfyUI's progress hook updates the registry (progress_state) before it sends `progress`
          setProgress(id, value, max, 'running');
          send('progress', { value, max, prompt_id: promptId, node: id });
        },
        saveImages,
        saveFile,
        ...(opts.readInput ? { readInput: opts.readInput } : {}),
      });
      values.set(id, result.outputs);
      cache?.set(signature, result);
      executed.push(id);
      if (result.ui) {
        outputs[id] = result.ui;
        send('executed', { node: id, display_node: id, output: result.ui, prompt_id: promptId });
      }
      setProgress(id, progress[id]?.max ?? 1, progress[id]?.max ?? 1, 'finished');
    } catch (error) {
      if (error instanceof InterruptedError) return interrupted(id);
      if (error instanceof NodeExecutionError) return failed(id, error.exceptionType, error.message, node.inputs);
      const message = error instanceof Error ? error.message : String(error);
      return failed(id, 'Exception', message, node.inputs);
    }
  }
  send('execution_success', { prompt_id: promptId, timestamp: now() });
  return { status: 'success', outputs };
}
