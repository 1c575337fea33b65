// JSON that keeps integers beyond Number.MAX_SAFE_INTEGER exact. ComfyUI's INT inputs go up to 18446744073709551615
// (seeds especially), which JSON.parse would round, and Node 20's JSON.parse gives a reviver no access to the source
// text. lossless-json hands us each number's source text: unsafe integers become `bigint`, every other number stays a
// `number`, so ordinary workflows look exactly as JSON.parse would have made them.

import { parse, stringify, type DuplicateKeyInfo } from 'lossless-json';
import { ValidationError } from '../errors';

export type JsonPrimitive = string | number | bigint | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** Nesting deeper than this is refused: workflows are shallow, and recursion must not overflow the stack. */
const MAX_DEPTH = 512;

const INTEGER_SOURCE = /^-?\d+$/;
/** 2^53 has 16 digits: a number written with fewer cannot lose precision as a `number`. */
const MAYBE_UNSAFE_INTEGER = /\d{16}/;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

function parseNumber(source: string): number | bigint {
  const value = Number(source);
  // "1e3" and "2.0" stay numbers although they name integers, as JSON.parse makes them; "-0" stays -0.
  return Number.isSafeInteger(value) || !INTEGER_SOURCE.test(source) ? value : BigInt(source);
}

/** The last of duplicate keys wins, as in JSON.parse and in ComfyUI's Python json (lossless-json would throw). */
function keepLastDuplicate({ newValue }: DuplicateKeyInfo): unknown {
  return newValue;
}

function invalidJson(text: string, position: number, what: string): ValidationError {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return new ValidationError(`The file is not valid JSON: ${what} at line ${line}, column ${column}.`).withCode(
    'json-invalid',
    { detail: what, line, column },
  );
}

/**
 * The containers open just before `end` (their opening characters, innermost last), strings skipped. lossless-json
 * recurses once per level with no limit of its own, so parseJson walks the whole text with this first and refuses
 * nesting deeper than MAX_DEPTH before the parser could overflow the stack.
 */
function openContainers(text: string, end: number): number[] {
  const open: number[] = [];
  let inString = false;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (open.length > MAX_DEPTH) throw invalidJson(text, i, `nesting deeper than ${MAX_DEPTH} levels`);
      open.push(c);
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      open.pop();
    }
  }
  return open;
}

/**
 * lossless-json's SyntaxError in the words users are shown, at the line and column it names. The prefixes matched
 * are lossless-json 4's wording; the unit tests pin each one, so a release that rewords them fails there first.
 */
function describeSyntaxError(text: string, error: SyntaxError): ValidationError {
  const message = error.message;
  const position = Number(/at position (\d+)$/.exec(message)?.[1] ?? text.length);
  const at = text[position];
  let what: string;
  if (message.startsWith('Invalid character')) what = 'control character inside a string';
  else if (message.startsWith('Invalid escape character')) what = 'unknown escape in a string';
  else if (message.startsWith('Invalid unicode character')) what = 'malformed \\u escape';
  else if (message.startsWith('End of string')) what = 'unterminated string';
  else if (message.startsWith('Invalid number')) what = 'malformed number';
  else if (at === undefined) what = 'unexpected end of text';
  else if (message.startsWith('Quoted object key')) what = 'expected a quoted key in an object';
  else if (message.startsWith('Colon')) what = 'expected : after a key';
  else if (message.startsWith('Comma'))
    what =
      openContainers(text, position).at(-1) === OPEN_ARRAY
        ? 'expected , or ] in an array'
        : 'expected , or } in an object';
  else if (message.startsWith('Expected end of input')) what = 'unexpected text after the end of the JSON value';
  else if (/^(JSON value|Array item|Object value) expected/.test(message))
    what = at === 't' || at === 'f' || at === 'n' ? 'unexpected word' : `unexpected character ${JSON.stringify(at)}`;
  else what = message.replace(/ at position \d+$/, '');
  return invalidJson(text, position, what);
}

/**
 * lossless-json builds each string a character at a time: V8 keeps such a string as a tree of pieces, about 2.5 kB
 * for a 50-character prompt, until something reads it whole. A batch spec of 100,000 prompts parsed back from the
 * ledger held 250 MB that way. Converting a string to a number makes V8 flatten it in place (the `flatstr` trick);
 * the value itself is unchanged.
 */
function flattenStrings(_key: string, value: unknown): unknown {
  if (typeof value === 'string') Number(value);
  return value;
}

/**
 * Parses strict JSON (RFC 8259). Integers beyond ±(2^53−1) come back as bigint; duplicate keys, "-0" and exponents
 * read as JSON.parse reads them. Throws ValidationError with a line and column.
 */
export function parseJson(text: string): JsonValue {
  // A UTF-8 byte-order mark is common in files saved by Windows editors.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  openContainers(body, body.length);
  // Without a run of 16 digits no number in the text can be an unsafe integer: V8's own parser (several times
  // faster) reads it exactly as lossless-json would. Invalid text still goes to lossless-json for the worded error.
  if (!MAYBE_UNSAFE_INTEGER.test(body)) {
    try {
      return JSON.parse(body) as JsonValue;
    } catch {
      // Worded below.
    }
  }
  try {
    // With this number parser lossless-json builds only strings, numbers, bigints, booleans, null, arrays and objects.
    return parse(body, flattenStrings, { parseNumber, onDuplicateKey: keepLastDuplicate }) as JsonValue;
  } catch (error) {
    if (error instanceof SyntaxError) throw describeSyntaxError(body, error);
    throw error;
  }
}

/**
 * lossless-json indents an object whose every property is skipped (undefined, a function) as "{\n\n}" where
 * JSON.stringify writes "{}"; handing it an empty object instead keeps indented files identical to JSON.stringify's.
 */
function emptyWhenNothingIsWritten(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  if ('toJSON' in value && typeof value.toJSON === 'function') return value;
  const items: unknown[] = Object.values(value);
  const written = (item: unknown) => item !== undefined && typeof item !== 'function' && typeof item !== 'symbol';
  return items.length === 0 || items.some(written) ? value : {};
}

/**
 * Serialises like JSON.stringify (same escaping, `undefined` and functions skipped in objects, null in arrays,
 * non-finite numbers as null), but writes bigint values as plain integer digits.
 */
export function stringifyJson(value: unknown, indent = 0): string {
  // V8's own writer first (several times faster): it throws on the first bigint, and only then does lossless-json
  // write the value, with its digits.
  try {
    return JSON.stringify(value, null, indent) ?? 'null';
  } catch (error) {
    if (!(error instanceof TypeError && /bigint/i.test(error.message))) throw tooDeep(error);
  }
  try {
    return stringify(value, indent > 0 ? emptyWhenNothingIsWritten : null, indent) ?? 'null';
  } catch (error) {
    throw tooDeep(error);
  }
}

/**
 * The writers recurse without a limit. Whatever parseJson accepts is shallow enough, so only data that contains
 * itself, or was built deeper than any reply can be, fails to be written.
 */
function tooDeep(error: unknown): unknown {
  const circular = error instanceof TypeError && /circular/i.test(error.message);
  if (circular || (error instanceof RangeError && /call stack/i.test(error.message))) {
    return new ValidationError('The data is nested too deeply (or contains itself) to be written as JSON.');
  }
  return error;
}
