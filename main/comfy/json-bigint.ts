// A small strict JSON reader and writer that keep integers beyond Number.MAX_SAFE_INTEGER exact. ComfyUI's INT inputs
// go up to 18446744073709551615 (seeds especially), which JSON.parse would round; Node 20's JSON.parse gives a reviver
// no access to the source text, so we read JSON ourselves. Unsafe integers become `bigint`; every other number stays a
// `number`, so ordinary workflows look exactly as JSON.parse would have made them.

import { ValidationError } from '../errors';

export type JsonPrimitive = string | number | bigint | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** Nesting deeper than this is refused: workflows are shallow, and recursion must not overflow the stack. */
const MAX_DEPTH = 512;

const NUMBER_PATTERN = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class Reader {
  private pos = 0;
  constructor(private readonly text: string) {}

  readDocument(): JsonValue {
    this.skipSpace();
    const value = this.readValue(0);
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected text after the end of the JSON value');
    return value;
  }

  private fail(what: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const column = this.pos - before.lastIndexOf('\n');
    throw new ValidationError(`The file is not valid JSON: ${what} at line ${line}, column ${column}.`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else break;
    }
  }

  private readValue(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.readObject(depth);
      case '[':
        return this.readArray(depth);
      case '"':
        return this.readString();
      case 't':
        return this.readWord('true', true);
      case 'f':
        return this.readWord('false', false);
      case 'n':
        return this.readWord('null', null);
      case undefined:
        return this.fail('unexpected end of text');
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.readNumber();
        return this.fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }

  private readWord<T extends JsonPrimitive>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('unexpected word');
    this.pos += word.length;
    return value;
  }

  private readNumber(): number | bigint {
    NUMBER_PATTERN.lastIndex = this.pos;
    const match = NUMBER_PATTERN.exec(this.text);
    if (!match) return this.fail('malformed number');
    const source = match[0];
    this.pos += source.length;
    const isInteger = match[1] === undefined && match[2] === undefined;
    const value = Number(source);
    if (isInteger && !Number.isSafeInteger(value)) return BigInt(source);
    return value;
  }

  private readString(): string {
    this.pos++; // opening quote
    let out = '';
    let runStart = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string');
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x22) {
        out += this.text.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('control character inside a string');
      if (c === 0x5c) {
        out += this.text.slice(runStart, this.pos);
        out += this.readEscape();
        runStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private readEscape(): string {
    const e = this.text[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('malformed \\u escape');
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        this.pos -= 2;
        return this.fail('unknown escape in a string');
    }
  }

  private readArray(depth: number): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      out.push(this.readValue(depth + 1));
      this.skipSpace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === ']') return out;
      if (c !== ',') {
        this.pos--;
        this.fail('expected , or ] in an array');
      }
    }
  }

  private readObject(depth: number): { [key: string]: JsonValue } {
    this.pos++;
    const out: { [key: string]: JsonValue } = {};
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('expected a quoted key in an object');
      const key = this.readString();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail('expected : after a key');
      this.pos++;
      this.skipSpace();
      const value = this.readValue(depth + 1);
      // defineProperty, not assignment: a "__proto__" key must stay data, never replace the prototype.
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') return out;
      if (c !== ',') {
        this.pos--;
        this.fail('expected , or } in an object');
      }
    }
  }
}

/** Parses strict JSON (RFC 8259). Integers beyond ±(2^53−1) come back as bigint. Throws ValidationError with a position. */
export function parseJson(text: string): JsonValue {
  // A UTF-8 byte-order mark is common in files saved by Windows editors.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return new Reader(body).readDocument();
}

/**
 * Serialises like JSON.stringify (same escaping, `undefined` and functions skipped in objects, null in arrays,
 * non-finite numbers as null), but writes bigint values as plain integer digits.
 */
export function stringifyJson(value: unknown, indent = 0): string {
  return write(value, indent > 0 ? ' '.repeat(indent) : '', '', 0) ?? 'null';
}

function write(value: unknown, unit: string, current: string, depth: number): string | undefined {
  if (depth > MAX_DEPTH) throw new ValidationError(`The data is nested deeper than ${MAX_DEPTH} levels.`);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') {
    const json: unknown = JSON.stringify(value);
    return typeof json === 'string' ? json : undefined;
  }
  const inner = current + unit;
  const open = unit ? `\n${inner}` : '';
  const close = unit ? `\n${current}` : '';
  const separator = unit ? `,\n${inner}` : ',';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((item: unknown) => write(item, unit, inner, depth + 1) ?? 'null');
    return `[${open}${items.join(separator)}${close}]`;
  }
  const entries: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const written = write(item, unit, inner, depth + 1);
    if (written !== undefined) entries.push(`${JSON.stringify(key)}:${unit ? ' ' : ''}${written}`);
  }
  if (entries.length === 0) return '{}';
  return `{${open}${entries.join(separator)}${close}}`;
}
