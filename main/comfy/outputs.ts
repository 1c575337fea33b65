// The files a finished prompt produced, and whether it failed, from the three places ComfyUI reports them: a
// /history/<id> entry (Exclusive edition), an `executed` websocket event, and API-edition sink data
// (reference/artlab-api-edition.md: a list of `executed` items and/or a plain outputs map, failures undocumented).

import { z } from 'zod';
import { ValidationError, excerpt } from '../errors';
import { redact } from '../log/redact';
import { parseJson } from './json-bigint';
import { apiWorkflowSchema, describeNode, type ApiWorkflow } from './workflow-types';

export interface OutputFile {
  node: string;
  /** The key in the node's output: `images`, `gifs` (videos), or whatever a custom node uses. */
  kind: string;
  filename: string;
  subfolder: string;
  /** `output` or `temp` (PreviewImage). */
  type: string;
  /** MIME-like format when the node gives one, e.g. `video/h264-mp4`. */
  format?: string;
  /** Set when the node marked its images `animated: [true]` (animated WEBP/PNG). */
  animated?: boolean;
}

/** Texts past these are not kept: a service's reply is not trusted to be small. */
export const MAX_OUTPUT_TEXTS = 32;
export const MAX_OUTPUT_TEXT_CHARS = 20_000;

export type ComfyResult = (
  { status: 'success'; files: OutputFile[] } | { status: 'error' | 'interrupted'; files: OutputFile[]; error: string }
) & {
  /** What text-showing nodes (PreviewAny, ShowText and the like: a `text` list of strings) showed, in order. */
  texts?: string[];
};

export interface ResultOptions {
  /** The submitted workflow, so that error messages can name nodes by their titles. */
  workflow?: ApiWorkflow;
}

const fileItemSchema = z.looseObject({
  filename: z.string().min(1),
  subfolder: z.string().optional(),
  type: z.string().optional(),
  format: z.string().optional(),
});
const recordSchema = z.record(z.string(), z.unknown());
const nodeIdSchema = z.union([z.string(), z.number()]).transform(String);

/** Collects files in order of first appearance, de-duplicated by (node, subfolder, filename). */
class FileCollector {
  private readonly byKey = new Map<string, OutputFile>();

  addNodeOutput(node: string, output: unknown): void {
    const parsed = recordSchema.safeParse(output);
    if (!parsed.success) return;
    const animated = Array.isArray(parsed.data.animated) && parsed.data.animated.includes(true);
    for (const [kind, list] of Object.entries(parsed.data)) {
      if (kind === 'animated' || !Array.isArray(list)) continue;
      for (const item of list) {
        if (kind === 'text' && typeof item === 'string') {
          this.addText(node, item);
          continue;
        }
        // Other items that are not files are not listed.
        const file = fileItemSchema.safeParse(item);
        if (!file.success) continue;
        this.add({
          node,
          kind,
          filename: file.data.filename,
          subfolder: file.data.subfolder ?? '',
          type: file.data.type ?? 'output',
          ...(file.data.format !== undefined ? { format: file.data.format } : {}),
          ...(animated && kind === 'images' ? { animated: true } : {}),
        });
      }
    }
  }

  /** A `{node_id: output}` map; values that are not outputs (a `message` text, say) are skipped. */
  addOutputsMap(map: Record<string, unknown>): void {
    for (const [node, output] of Object.entries(map)) this.addNodeOutput(node, output);
  }

  private readonly textKeys = new Set<string>();
  readonly texts: string[] = [];

  private addText(node: string, raw: string): void {
    // NUL and other C0 controls but tab and newline are dropped; a long text is cut with an ellipsis.
    // eslint-disable-next-line no-control-regex
    const clean = raw.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
    const text = clean.length > MAX_OUTPUT_TEXT_CHARS ? `${clean.slice(0, MAX_OUTPUT_TEXT_CHARS - 1)}…` : clean;
    const key = `${node}\u0000${text}`;
    if (text === '' || this.textKeys.has(key) || this.texts.length >= MAX_OUTPUT_TEXTS) return;
    this.textKeys.add(key);
    this.texts.push(text);
  }

  private add(file: OutputFile): void {
    const key = `${file.node}\u0000${file.subfolder}\u0000${file.filename}`;
    const existing = this.byKey.get(key);
    if (!existing) this.byKey.set(key, file);
    else if (existing.format === undefined && file.format !== undefined) existing.format = file.format;
  }

  get files(): OutputFile[] {
    return [...this.byKey.values()];
  }
}

const executedSchema = z.looseObject({ node: nodeIdSchema, output: z.unknown() });
const executionErrorSchema = z.looseObject({
  node_id: nodeIdSchema.optional(),
  node_type: z.string().optional(),
  exception_type: z.string().optional(),
  exception_message: z.string().optional(),
});
const interruptedSchema = z.looseObject({ node_id: nodeIdSchema.optional(), node_type: z.string().optional() });

function nodeName(options: ResultOptions, node: string | undefined, nodeType: string | undefined): string {
  if (node === undefined) return nodeType ? `"${nodeType}"` : 'a node';
  if (options.workflow?.[node]) return describeNode(options.workflow, node);
  return nodeType ? `"${nodeType}" (node ${node})` : `node ${node}`;
}

/** The user-facing text of an `execution_error` event's data. */
export function executionErrorText(data: unknown, options: ResultOptions = {}): string {
  const parsed = executionErrorSchema.safeParse(data);
  if (!parsed.success) return 'ComfyUI reported an execution error without details.';
  const { node_id, node_type, exception_type, exception_message } = parsed.data;
  const what = [exception_type, exception_message?.trim()].filter(Boolean).join(': ') || 'an error without details';
  return redact(`ComfyUI failed at ${nodeName(options, node_id, node_type)}: ${excerpt(what, 500)}`);
}

function interruptedText(data: unknown, options: ResultOptions): string {
  const parsed = interruptedSchema.safeParse(data);
  const at =
    parsed.success && parsed.data.node_id !== undefined
      ? ` at ${nodeName(options, parsed.data.node_id, parsed.data.node_type)}`
      : '';
  return `The job was interrupted${at}.`;
}

/** The files of one websocket `executed` event's data (`{node, output, prompt_id}`). */
export function filesFromExecuted(data: unknown): OutputFile[] {
  const collector = new FileCollector();
  const parsed = executedSchema.safeParse(data);
  if (parsed.success) collector.addNodeOutput(parsed.data.node, parsed.data.output);
  return collector.files;
}

/** The files of a `{node_id: {images: [...], ...}}` outputs map (a /history entry's `outputs`). */
export function filesFromOutputs(outputs: unknown): OutputFile[] {
  const collector = new FileCollector();
  const parsed = recordSchema.safeParse(outputs);
  if (parsed.success) collector.addOutputsMap(parsed.data);
  return collector.files;
}

interface Findings {
  collector: FileCollector;
  errors: string[];
  interrupted: string[];
  messages: string[];
}

function readSinkItem(item: unknown, found: Findings, options: ResultOptions): void {
  if (typeof item === 'string') {
    if (item.trim()) found.messages.push(item.trim());
    return;
  }
  const record = recordSchema.safeParse(item);
  if (!record.success) return;
  const { type, data, message } = record.data;
  if (typeof type === 'string') {
    if (type === 'executed') {
      const executed = executedSchema.safeParse(data);
      if (executed.success) found.collector.addNodeOutput(executed.data.node, executed.data.output);
    } else if (type === 'execution_error') {
      found.errors.push(executionErrorText(data, options));
    } else if (type === 'execution_interrupted') {
      found.interrupted.push(interruptedText(data, options));
    }
    return; // other event types (execution_start, progress…) carry no files
  }
  if (typeof message === 'string' && message.trim()) found.messages.push(message.trim());
  if (typeof record.data.error === 'string' && record.data.error.trim()) found.messages.push(record.data.error.trim());
  found.collector.addOutputsMap(record.data);
}

function decide(found: Findings): ComfyResult {
  const result = decideFiles(found);
  return found.collector.texts.length > 0 ? { ...result, texts: found.collector.texts } : result;
}

function decideFiles(found: Findings): ComfyResult {
  const files = found.collector.files;
  const [error] = found.errors;
  if (error !== undefined) return { status: 'error', files, error };
  const [interrupted] = found.interrupted;
  if (interrupted !== undefined) return { status: 'interrupted', files, error: interrupted };
  if (files.length === 0 && found.collector.texts.length === 0 && found.messages.length > 0) {
    return { status: 'error', files, error: redact(`The service reported: ${excerpt(found.messages.join(' '), 500)}`) };
  }
  return { status: 'success', files };
}

/**
 * Reads the `data` of an API-edition sink frame. Never throws for what the service sent: text that is not UTF-8 or
 * not JSON, an `execution_error` item, or an error message with no files all give `status: 'error'` with the text to
 * show. A result with neither files nor an error is a success with no files.
 */
export function parseSinkData(data: string | Uint8Array, options: ResultOptions = {}): ComfyResult {
  let text: string;
  try {
    text = typeof data === 'string' ? data : new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return { status: 'error', files: [], error: 'The service returned a result that is not text; the job failed.' };
  }
  let value: unknown;
  try {
    value = parseJson(text);
  } catch {
    const shownText = excerpt(redact(text), 300);
    return {
      status: 'error',
      files: [],
      error: shownText ? `The service returned: ${shownText}` : 'The service returned an empty result; the job failed.',
    };
  }
  const found: Findings = { collector: new FileCollector(), errors: [], interrupted: [], messages: [] };
  if (Array.isArray(value)) for (const item of value) readSinkItem(item, found, options);
  else readSinkItem(value, found, options);
  return decide(found);
}

const historyEntrySchema = z.looseObject({
  prompt: z.array(z.unknown()).optional(),
  outputs: z.unknown().optional(),
  status: z
    .looseObject({
      status_str: z.string().optional(),
      completed: z.boolean().optional(),
      messages: z.array(z.unknown()).optional(),
    })
    .optional(),
});
const messageSchema = z.tuple([z.string(), z.unknown()]).rest(z.unknown());

/** Reads one entry of a /history reply (`{prompt, outputs, status, meta}`). Throws ValidationError if it is not one. */
export function resultFromHistoryEntry(entry: unknown, options: ResultOptions = {}): ComfyResult {
  const parsed = historyEntrySchema.safeParse(entry);
  if (!parsed.success) {
    throw new ValidationError('ComfyUI returned a history entry this app cannot read; the job result is unknown.');
  }
  // The entry carries the prompt it ran ([number, id, workflow, extra_data, outputs_to_execute]): its titles name nodes.
  const ran = apiWorkflowSchema.safeParse(parsed.data.prompt?.[2]);
  const named: ResultOptions = options.workflow || !ran.success ? options : { workflow: ran.data };
  const found: Findings = { collector: new FileCollector(), errors: [], interrupted: [], messages: [] };
  const outputs = recordSchema.safeParse(parsed.data.outputs);
  if (outputs.success) found.collector.addOutputsMap(outputs.data);
  for (const message of parsed.data.status?.messages ?? []) {
    const event = messageSchema.safeParse(message);
    if (event.success) readSinkItem({ type: event.data[0], data: event.data[1] }, found, named);
  }
  const result = decide(found);
  if (result.status === 'success' && parsed.data.status?.status_str === 'error') {
    return {
      status: 'error',
      files: result.files,
      error: 'ComfyUI reported that the job failed, without details.',
      ...(result.texts ? { texts: result.texts } : {}),
    };
  }
  return result;
}

/**
 * Reads a whole GET /history/<id> reply. Undefined while the prompt is pending or unknown (ComfyUI answers `{}`).
 */
export function resultFromHistory(
  reply: unknown,
  promptId: string,
  options: ResultOptions = {},
): ComfyResult | undefined {
  const parsed = recordSchema.safeParse(reply);
  if (!parsed.success) {
    throw new ValidationError('ComfyUI returned a history reply this app cannot read; the job result is unknown.');
  }
  if (!Object.hasOwn(parsed.data, promptId)) return undefined;
  return resultFromHistoryEntry(parsed.data[promptId], options);
}
