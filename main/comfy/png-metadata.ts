// ComfyUI's SaveImage writes the API-format workflow into the PNG as a text chunk `prompt`, and the editor graph as
// `workflow` (reference/comfyui-api.md). Pillow writes tEXt when the text fits Latin-1 and iTXt otherwise; other tools
// compress (zTXt, compressed iTXt). The file comes from anywhere (a download, a drag and drop), so every length is
// checked against the buffer, every text chunk's CRC is verified, and inflation is capped.

import { crc32, inflateSync } from 'node:zlib';
import { ValidationError } from '../errors';
import { parseWorkflow } from './workflow-parse';
import type { ApiWorkflow } from './workflow-types';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Workflows are kilobytes to a few megabytes; a chunk that inflates beyond this is refused, not allocated. */
const MAX_TEXT_BYTES = 32 * 1024 * 1024;
const TEXT_CHUNKS = new Set(['tEXt', 'iTXt', 'zTXt']);

function fail(problem: string): never {
  throw new ValidationError(
    `This PNG cannot be read: ${problem}. Use the image file exactly as ComfyUI saved it.`,
  ).withCode('png-unreadable', { detail: problem });
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function utf8(bytes: Uint8Array, chunk: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(`its ${chunk} chunk holds text that is not UTF-8`);
  }
}

function inflate(bytes: Uint8Array, chunk: string): Uint8Array {
  try {
    return inflateSync(bytes, { maxOutputLength: MAX_TEXT_BYTES });
  } catch (error) {
    const tooLarge = error instanceof RangeError || (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
    return fail(
      tooLarge
        ? `its ${chunk} chunk inflates beyond ${MAX_TEXT_BYTES} bytes`
        : `its ${chunk} chunk is not valid zlib data`,
    );
  }
}

/** Splits at the first NUL at or after `from`; the keyword/field before it must exist. */
function untilNul(data: Uint8Array, from: number, chunk: string): [Uint8Array, number] {
  const end = data.indexOf(0, from);
  if (end === -1) fail(`its ${chunk} chunk is missing a separator`);
  return [data.subarray(from, end), end + 1];
}

function readKeyword(data: Uint8Array, chunk: string): [string, number] {
  const [bytes, next] = untilNul(data, 0, chunk);
  if (bytes.length < 1 || bytes.length > 79) fail(`its ${chunk} chunk has a keyword of ${bytes.length} bytes`);
  return [latin1(bytes), next];
}

function decodeTextChunk(type: string, data: Uint8Array): [string, string] {
  const [keyword, at] = readKeyword(data, type);
  if (type === 'tEXt') return [keyword, latin1(data.subarray(at))];
  if (type === 'zTXt') {
    if (data[at] !== 0) fail('its zTXt chunk uses an unknown compression method');
    return [keyword, latin1(inflate(data.subarray(at + 1), type))];
  }
  // iTXt: compression flag, compression method, language tag\0, translated keyword\0, UTF-8 text.
  const compressed = data[at];
  const method = data[at + 1];
  if (compressed === undefined || method === undefined) fail('its iTXt chunk is cut short');
  const [, afterLanguage] = untilNul(data, at + 2, type);
  const [, afterTranslated] = untilNul(data, afterLanguage, type);
  const body = data.subarray(afterTranslated);
  if (compressed === 0) return [keyword, utf8(body, type)];
  if (compressed !== 1 || method !== 0) fail('its iTXt chunk uses an unknown compression method');
  return [keyword, utf8(inflate(body, type), type)];
}

/**
 * The text chunks (tEXt, iTXt, zTXt) of a PNG, keyword → text (the first chunk of a keyword wins). Throws
 * ValidationError for a file that is not a PNG, is truncated, has a bad CRC on a text chunk or header, or holds
 * malformed or oversized text.
 */
export function readPngText(png: Uint8Array): Map<string, string> {
  if (png.length < SIGNATURE.length || SIGNATURE.some((byte, i) => png[i] !== byte)) fail('it is not a PNG file');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const texts = new Map<string, string>();
  let offset = SIGNATURE.length;
  let first = true;
  for (;;) {
    if (offset + 12 > png.length) fail('the file is cut short (no IEND chunk)');
    const length = view.getUint32(offset);
    const typeBytes = png.subarray(offset + 4, offset + 8);
    const type = latin1(typeBytes);
    if (!/^[A-Za-z]{4}$/.test(type)) fail(`a chunk at byte ${offset} has an invalid type`);
    if (length > 0x7fffffff || offset + 12 + length > png.length)
      fail(`the ${type} chunk runs past the end of the file`);
    if (first && type !== 'IHDR') fail('it does not start with an IHDR chunk');
    first = false;
    const data = png.subarray(offset + 8, offset + 8 + length);
    // CRCs are checked where we read: the header and text chunks. Image data is skipped unread, for speed.
    if (type === 'IHDR' || TEXT_CHUNKS.has(type)) {
      const stored = view.getUint32(offset + 8 + length);
      if (crc32(data, crc32(typeBytes)) !== stored) fail(`the ${type} chunk is damaged (CRC mismatch)`);
    }
    if (TEXT_CHUNKS.has(type)) {
      const [keyword, text] = decodeTextChunk(type, data);
      if (!texts.has(keyword)) texts.set(keyword, text);
    }
    if (type === 'IEND') return texts;
    offset += 12 + length;
  }
}

/**
 * The API-format workflow ComfyUI saved in a PNG (its `prompt` chunk). When only the editor graph (`workflow`, the UI
 * format) is present, refuses it as parseWorkflow() does, with how to export the API format.
 */
export function workflowFromPng(png: Uint8Array): ApiWorkflow {
  const texts = readPngText(png);
  const prompt = texts.get('prompt');
  if (prompt !== undefined) return parseWorkflow(prompt);
  const workflow = texts.get('workflow');
  if (workflow !== undefined) return parseWorkflow(workflow);
  throw new ValidationError(
    'This PNG carries no ComfyUI workflow (no "prompt" text chunk). Only images saved by ComfyUI\'s Save Image node carry one; images from a browser or an editor lose it.',
  ).withCode('png-no-workflow');
}
