// Files the caller names on the command line (the workflow, the prompts): their size is checked before a byte is
// read (DESIGN.md rule 8), a missing or unreadable file is a UsageError that says which flag, and prompts must be
// UTF-8 text so that binary junk cannot become a batch.
import { openSync, closeSync, fstatSync, readdirSync, readSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { UsageError } from './run-usage';

/** The contract's limits for an imported workflow (`workflows.import`): JSON text and a PNG's base64 form. */
export const MAX_WORKFLOW_JSON_BYTES = 20_000_000;
export const MAX_WORKFLOW_PNG_BYTES = Math.floor((70_000_000 / 4) * 3);
/** The contract's limit for a prompt list (`spec.prompts` as text). */
export const MAX_PROMPTS_BYTES = 5_000_000;

function sizeLabel(bytes: number): string {
  return bytes >= 1_000_000 ? `${Math.round(bytes / 100_000) / 10} MB` : `${Math.ceil(bytes / 1000)} kB`;
}

/** Reads a whole file only when it is a regular file no larger than `maxBytes`. */
export function readBoundedFile(path: string, maxBytes: number, what: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOENT') throw new UsageError(`${what}: there is no file ${path}. Check the path.`);
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`${what}: ${path} cannot be read (permission).`);
    if (code === 'EISDIR') throw new UsageError(`${what}: ${path} is a folder; give a file.`);
    throw new UsageError(`${what}: ${path} cannot be read (${String(code ?? error)}).`);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new UsageError(`${what}: ${path} is not a regular file.`);
    if (info.size > maxBytes) {
      throw new UsageError(`${what}: ${path} is ${sizeLabel(info.size)}; at most ${sizeLabel(maxBytes)} is accepted.`);
    }
    // Read at most one byte past the cap: a file that grows while it is read is refused, not read without end.
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, info.size + 1));
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > maxBytes) throw new UsageError(`${what}: ${path} is larger than ${sizeLabel(maxBytes)}.`);
      if (length === buffer.length) break;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** A prompts file: UTF-8 text, one prompt per line. */
export function readPromptsFile(path: string): string {
  const bytes = readBoundedFile(path, MAX_PROMPTS_BYTES, `--prompts ${path}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`--prompts ${path}: the file is not UTF-8 text. Save it as UTF-8, one prompt per line.`);
  }
  // NUL and other control characters (tabs aside) do not occur in text a person wrote.
  if (hasControlCharacters(text)) {
    throw new UsageError(`--prompts ${path}: the file holds control characters, so it is not a text file of prompts.`);
  }
  return text.replace(/^\uFEFF/, '');
}

function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}

/** The workflow argument as `workflows.import` takes it. */
export function readWorkflowFile(path: string): { name: string; json: string } | { name: string; pngBase64: string } {
  const name = (path.split(/[\\/]/).pop() ?? path).slice(0, 200);
  if (extname(path).toLowerCase() === '.png') {
    return { name, pngBase64: readBoundedFile(path, MAX_WORKFLOW_PNG_BYTES, 'The workflow').toString('base64') };
  }
  const bytes = readBoundedFile(path, MAX_WORKFLOW_JSON_BYTES, 'The workflow');
  try {
    return { name, json: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    throw new UsageError(
      `The workflow ${path} is not UTF-8 text: give a ComfyUI API-format .json (Export (API)) or a ComfyUI .png.`,
    );
  }
}

/** ComfyUI's default `max_upload_size`: a larger input image would be refused by the service. */
export const MAX_INPUT_IMAGE_BYTES = 100 * 1024 * 1024;
/** A folder given to --image runs every image in it: at most this many. */
export const MAX_INPUT_IMAGES = 10_000;
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif']);

/**
 * `--image` takes a file, or a folder whose images (by extension, not its subfolders or hidden files) run one job
 * each, in name order. What each file really is is checked from its bytes when it is sent.
 */
export function listInputImages(path: string): string[] {
  let info;
  try {
    info = statSync(path);
  } catch {
    throw new UsageError(`--image: there is no file or folder ${path}. Check the path.`);
  }
  if (info.isFile()) return [path];
  if (!info.isDirectory()) throw new UsageError(`--image: ${path} is neither a file nor a folder.`);
  const names = readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (names.length === 0) throw new UsageError(`--image: the folder ${path} holds no PNG, JPEG, WebP or GIF image.`);
  if (names.length > MAX_INPUT_IMAGES) {
    throw new UsageError(`--image: the folder ${path} holds ${names.length} images; at most ${MAX_INPUT_IMAGES}.`);
  }
  return names.map((name) => join(path, name));
}
