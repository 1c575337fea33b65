// The state of one simulated ComfyUI instance: the prompt queue (ordered by number, one prompt executing at a time),
// the history, interrupts, and the websocket events each run sends. Mirrors ComfyUI's server.py / execution.py
// behaviour as reference/comfyui-api.md records it.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ExecutionCache, runPrompt, validatePrompt } from '../comfy/engine';
import type { ApiPrompt, NodeOutputs, OutputFile } from '../comfy/engine-types';
import { hashString, renderRgb } from '../comfy/image-synth';
import { encodePng } from '../comfy/png';
import type { ObjectStore } from '../oss/object-store';
import { mountKey, OutputNaming } from './output-naming';
import type { WsHub } from './ws-hub';

/** `[number, prompt_id, prompt, extra_data, outputs_to_execute]` as /queue and /history show it. */
export type QueueItem = [number, string, ApiPrompt, Record<string, unknown>, string[]];

export interface HistoryEntry {
  prompt: QueueItem;
  outputs: NodeOutputs;
  status: { status_str: 'success' | 'error'; completed: boolean; messages: [string, Record<string, unknown>][] };
  meta: Record<string, { node_id: string; display_node: string; parent_node: null; real_node_id: string }>;
}

export type SubmitReply = { status: 200 | 400; json: unknown } | { status: 500 };

const PromptRequest = z.looseObject({
  prompt: z.unknown().optional(),
  client_id: z.unknown().optional(),
  prompt_id: z.union([z.string(), z.number()]).optional(),
  number: z.number().optional(),
  front: z.boolean().optional(),
  extra_data: z.record(z.string(), z.unknown()).optional(),
});

const STATUS_MESSAGES = new Set([
  'execution_start',
  'execution_cached',
  'execution_success',
  'execution_error',
  'execution_interrupted',
]);

const BROADCAST_WITHOUT_CLIENT = new Set(['progress', 'progress_state', 'execution_interrupted']);

export interface PromptQueueOptions {
  hub: WsHub;
  store: ObjectStore;
  mountPrefix: string;
  stepMs: number;
  /** Reuse the outputs of unchanged nodes, as ComfyUI does by default (true). */
  cache?: boolean;
  /** Binary preview frames after each sampler step, to the submitting client. */
  previews?: boolean;
  now?: () => number;
}

export class PromptQueue {
  stepMs: number;
  private number = 0;
  private pending: QueueItem[] = [];
  private current: { item: QueueItem; controller: AbortController } | undefined;
  private readonly entries = new Map<string, HistoryEntry>();
  private naming: OutputNaming;
  private loop: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private readonly now: () => number;
  private readonly cache: ExecutionCache | undefined;

  constructor(private readonly options: PromptQueueOptions) {
    this.stepMs = options.stepMs;
    this.now = options.now ?? Date.now;
    this.naming = new OutputNaming(options.store, options.mountPrefix);
    this.cache = options.cache === false ? undefined : new ExecutionCache();
  }

  /** Running plus pending, as exec_info.queue_remaining counts them. */
  get remaining(): number {
    return this.pending.length + (this.current ? 1 : 0);
  }

  statusData(): { status: { exec_info: { queue_remaining: number } } } {
    return { status: { exec_info: { queue_remaining: this.remaining } } };
  }

  /** POST /prompt with an already-parsed JSON body. */
  submit(body: unknown): SubmitReply {
    const parsed = PromptRequest.safeParse(body);
    if (!parsed.success) return { status: 500 };
    const request = parsed.data;
    // ComfyUI takes a number for every parsable request, valid or not
    let number = request.number ?? this.number;
    if (request.number === undefined) {
      if (request.front) number = -number;
      this.number += 1;
    }
    if (!('prompt' in request) || request.prompt === undefined) {
      const error = { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} };
      return { status: 400, json: { error, node_errors: {} } };
    }
    if (typeof request.prompt !== 'object' || request.prompt === null || Array.isArray(request.prompt)) {
      return { status: 500 };
    }
    const validation = validatePrompt(request.prompt);
    if (!validation.ok) return { status: 400, json: validation.body };
    const promptId = request.prompt_id !== undefined ? String(request.prompt_id) : randomUUID();
    const extraData: Record<string, unknown> = { ...(request.extra_data ?? {}) };
    if (typeof request.client_id === 'string') extraData.client_id = request.client_id;
    const item: QueueItem = [number, promptId, request.prompt as ApiPrompt, extraData, validation.outputNodes];
    this.pending.push(item);
    this.pending.sort((a, b) => a[0] - b[0]);
    this.broadcastStatus();
    this.startLoop();
    // the outputs that failed validation are left out of the run, and named in the reply
    return { status: 200, json: { prompt_id: promptId, number, node_errors: validation.nodeErrors } };
  }

  queue(): { queue_running: QueueItem[]; queue_pending: QueueItem[] } {
    return { queue_running: this.current ? [this.current.item] : [], queue_pending: [...this.pending] };
  }

  /** Removes pending prompts only; a running one must be interrupted. */
  deletePending(promptIds: string[]): void {
    const before = this.pending.length;
    this.pending = this.pending.filter((item) => !promptIds.includes(item[1]));
    if (this.pending.length !== before) this.broadcastStatus();
  }

  clearPending(): void {
    this.pending = [];
    this.broadcastStatus();
  }

  /** Interrupts the running prompt; with an id, only when that prompt is the one running. */
  interrupt(promptId?: string): void {
    if (!this.current) return;
    if (promptId !== undefined && this.current.item[1] !== promptId) return;
    this.current.controller.abort();
  }

  historyOf(promptId: string): Record<string, HistoryEntry> {
    const entry = this.entries.get(promptId);
    return entry ? { [promptId]: entry } : {};
  }

  /** GET /history: everything, or `maxItems` entries from `offset` (default: the most recent ones). */
  history(maxItems?: number, offset?: number): Record<string, HistoryEntry> {
    const all = [...this.entries.entries()];
    let slice = all;
    if (maxItems !== undefined) {
      const start = offset === undefined || offset < 0 ? Math.max(0, all.length - maxItems) : offset;
      slice = all.slice(start, start + maxItems);
    }
    return Object.fromEntries(slice);
  }

  deleteHistory(promptIds: string[]): void {
    for (const id of promptIds) this.entries.delete(id);
  }

  clearHistory(): void {
    this.entries.clear();
  }

  /** Resolves when nothing runs and nothing waits. */
  idle(): Promise<void> {
    if (!this.current && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** A process restart: the running prompt is abandoned, the queue and the history are lost. */
  async forget(): Promise<void> {
    this.pending = [];
    this.current?.controller.abort();
    await this.loop;
    this.entries.clear();
    this.cache?.clear();
    this.naming = new OutputNaming(this.options.store, this.options.mountPrefix);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pending = [];
    this.current?.controller.abort();
    await this.loop;
  }

  broadcastStatus(): void {
    this.options.hub.send('status', this.statusData());
  }

  private startLoop(): void {
    if (this.loop || this.closed) return;
    this.loop = this.drain().finally(() => {
      this.loop = undefined;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    });
  }

  private async drain(): Promise<void> {
    for (let item = this.pending.shift(); item && !this.closed; item = this.pending.shift()) {
      try {
        await this.execute(item);
      } catch (error) {
        // a simulator bug must not stall the queue: the prompt ends as an error the client can see
        this.recordCrash(item, error);
      }
    }
  }

  private recordCrash(item: QueueItem, error: unknown): void {
    const [, promptId, , extraData] = item;
    const message = error instanceof Error ? error.message : String(error);
    const data = {
      prompt_id: promptId,
      exception_message: message,
      exception_type: 'Exception',
      timestamp: this.now(),
    };
    this.entries.delete(promptId);
    this.entries.set(promptId, {
      prompt: item,
      outputs: {},
      status: { status_str: 'error', completed: false, messages: [['execution_error', data]] },
      meta: {},
    });
    this.current = undefined;
    this.broadcastStatus();
    const clientId = typeof extraData.client_id === 'string' ? extraData.client_id : undefined;
    if (clientId !== undefined) this.options.hub.send('executing', { node: null, prompt_id: promptId }, clientId);
  }

  private async execute(item: QueueItem): Promise<void> {
    const [, promptId, prompt, extraData, outputNodes] = item;
    const controller = new AbortController();
    this.current = { item, controller };
    this.broadcastStatus();
    const clientId = typeof extraData.client_id === 'string' ? extraData.client_id : undefined;
    const { hub, store, mountPrefix } = this.options;
    const messages: HistoryEntry['status']['messages'] = [];
    const extraPngInfo = extraData.extra_pnginfo;
    const result = await runPrompt({
      promptId,
      prompt,
      outputNodes,
      ...(typeof extraPngInfo === 'object' && extraPngInfo !== null
        ? { extraPngInfo: extraPngInfo as Record<string, unknown> }
        : {}),
      stepMs: this.stepMs,
      signal: controller.signal,
      // ComfyUI's input folder: what /upload/image wrote into the mount
      readInput: (name) => store.get(mountKey(mountPrefix, 'input', '', name))?.bytes,
      ...(this.cache ? { cache: this.cache } : {}),
      now: this.now,
      emit: (event) => {
        // ComfyUI sends every event of a run to the submitting client only; a prompt without a client_id has its
        // progress, progress_state and execution_interrupted sent to every socket and the rest to none
        if (clientId !== undefined) hub.send(event.type, event.data, clientId);
        else if (BROADCAST_WITHOUT_CLIENT.has(event.type)) hub.send(event.type, event.data);
        if (STATUS_MESSAGES.has(event.type)) messages.push([event.type, event.data]);
        if (this.options.previews && event.type === 'progress' && clientId !== undefined) {
          const node = typeof event.data.node === 'string' ? event.data.node : '';
          const picture = { hash: hashString(`${promptId}:${String(event.data.value)}`) };
          const png = encodePng({ width: 64, height: 64, rgb: renderRgb(picture, 64, 64) });
          hub.sendPreview(clientId, png, {
            node_id: node,
            display_node_id: node,
            real_node_id: node,
            prompt_id: promptId,
          });
        }
      },
      writeFile: (file: OutputFile, bytes: Buffer) => {
        store.put(mountKey(mountPrefix, file.type, file.subfolder, file.filename), bytes);
        return Promise.resolve();
      },
      nameFile: (prefix, _index, extension) =>
        this.naming.next(prefix, extension, prefix.startsWith('ComfyUI_temp_') ? 'temp' : 'output'),
    });
    const meta: HistoryEntry['meta'] = {};
    for (const nodeId of Object.keys(result.outputs)) {
      meta[nodeId] = { node_id: nodeId, display_node: nodeId, parent_node: null, real_node_id: nodeId };
    }
    const success = result.status === 'success';
    // re-posting an id overwrites its entry; deleting first keeps the history in completion order
    this.entries.delete(promptId);
    this.entries.set(promptId, {
      prompt: item,
      outputs: result.outputs,
      status: { status_str: success ? 'success' : 'error', completed: success, messages },
      meta,
    });
    this.current = undefined;
    this.broadcastStatus();
    if (clientId !== undefined) hub.send('executing', { node: null, prompt_id: promptId }, clientId);
  }
}
