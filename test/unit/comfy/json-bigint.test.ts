import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/errors';
import { parseJson, stringifyJson } from '../../../main/comfy/json-bigint';

describe('parseJson', () => {
  it('keeps integers beyond Number.MAX_SAFE_INTEGER exact as bigint', () => {
    const value = parseJson('{"seed": 18446744073709551615, "neg": -9007199254740993}');
    expect(value).toEqual({ seed: 18446744073709551615n, neg: -9007199254740993n });
  });

  it('reads text with long digit runs (a prompt, a fraction) through the exact reader, as JSON.parse would', () => {
    const text = '{"prompt": "photo 12345678901234567890", "x": 0.12345678901234567, "n": [1, 2], "s": "\\u00e9"}';
    expect(parseJson(text)).toEqual(JSON.parse(text));
    expect(parseJson('[1234567890123456]')).toEqual([1234567890123456]);
    expect(parseJson('[12345678901234567]')).toEqual([12345678901234567n]);
  });

  it('leaves safe integers and fractions as numbers', () => {
    expect(parseJson('[9007199254740991, 8, 1.5, -0.25e2, 1e3]')).toEqual([9007199254740991, 8, 1.5, -25, 1000]);
  });

  it('reads strings with every escape, as JSON.parse does', () => {
    const text = JSON.stringify({ s: 'a"b\\c/\b\f\n\r\t\u0001 K采样器 😀' });
    expect(parseJson(text)).toEqual(JSON.parse(text));
  });

  it('accepts a leading byte-order mark', () => {
    expect(parseJson('\uFEFF{"a": 1}')).toEqual({ a: 1 });
  });

  it('keeps a "__proto__" key as data without touching the prototype', () => {
    const value = parseJson('{"__proto__": {"polluted": true}}');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(['__proto__']);
  });

  it.each([
    ['', 'unexpected end of text'],
    ['{"a": 1,}', 'expected a quoted key'],
    ['[1 2]', 'expected , or ]'],
    ['{"a" 1}', 'expected :'],
    ['01', 'unexpected text after the end'],
    ['"tab\there"', 'control character'],
    ['"\\x"', 'unknown escape'],
    ['"\\u12"', 'malformed \\u escape'],
    ['NaN', 'unexpected character'],
    ['"open', 'unterminated string'],
    ['tru', 'unexpected word'],
  ])('refuses %j with a positioned ValidationError (%s)', (text, what) => {
    expect(() => parseJson(text)).toThrow(ValidationError);
    expect(() => parseJson(text)).toThrow(what);
  });

  it('reports the line and column of the mistake', () => {
    expect(() => parseJson('{\n  "a": 1\n  "b": 2\n}')).toThrow('line 3, column 3');
  });

  it('refuses nesting deep enough to overflow the stack', () => {
    expect(() => parseJson('['.repeat(100_000))).toThrow(ValidationError);
  });

  it('keeps a negative zero, as JSON.parse does', () => {
    expect(Object.is(parseJson('-0'), -0)).toBe(true);
    expect(parseJson('[-0.0, -0e5]')).toEqual([-0, -0]);
    expect(stringifyJson(parseJson('[-0]'))).toBe('[0]');
  });

  it('reads an exponent as a number even when it names an integer beyond 2^53, as ComfyUI reads a float', () => {
    expect(parseJson('[1E+2, 2.5e-3, 1e21, 9007199254740993e0]')).toEqual([100, 0.0025, 1e21, 9007199254740992]);
  });

  it('reads exponents beyond the range of a double as JSON.parse does, and writes them as null', () => {
    const value = parseJson('[1e400, -1e400, 1e-400]');
    expect(value).toEqual([Infinity, -Infinity, 0]);
    expect(stringifyJson(value)).toBe('[null,null,0]');
  });

  it('lets the last of duplicate keys win, as JSON.parse and ComfyUI do', () => {
    expect(parseJson('{"seed": 1, "steps": 20, "seed": 18446744073709551615}')).toEqual({
      seed: 18446744073709551615n,
      steps: 20,
    });
  });

  it('never lets a "__proto__" or "constructor" key reach a prototype, nested or repeated', () => {
    const value = parseJson(
      '{"a": {"__proto__": {"polluted": 1}}, "__proto__": {"polluted": 2}, "__proto__": {"polluted": 3},' +
        ' "constructor": {"prototype": {"polluted": 4}}}',
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(value.a)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: 3 });
    expect(Object.keys(value)).toEqual(['a', '__proto__', 'constructor']);
    expect(Object.keys(value.a as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('accepts 513 levels of nesting and refuses the 514th, in objects as in arrays', () => {
    expect(parseJson('['.repeat(513) + ']'.repeat(513))).toBeInstanceOf(Array);
    expect(() => parseJson('['.repeat(514) + ']'.repeat(514))).toThrow(
      'nesting deeper than 512 levels at line 1, column 514',
    );
    expect(() => parseJson('{"a":'.repeat(100_000))).toThrow('nesting deeper than 512 levels');
  });

  it('does not count brackets inside strings, escaped quotes included, as nesting', () => {
    const text = JSON.stringify({ prompt: '"[{'.repeat(10_000), tail: '\\' });
    expect(parseJson(text)).toEqual(JSON.parse(text));
  });

  it('agrees with JSON.parse on any JSON, except that unsafe integers are exact', () => {
    const asNumbers = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? Number(value) : value);
    fc.assert(
      fc.property(fc.json(), (text) => {
        const exact = parseJson(text);
        expect(JSON.parse(JSON.stringify(exact, asNumbers))).toEqual(JSON.parse(text));
      }),
    );
  });

  it('never throws anything but ValidationError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseJson(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
    );
  });
});

describe('stringifyJson', () => {
  it('writes bigint values as their digits', () => {
    expect(stringifyJson({ seed: 18446744073709551615n })).toBe('{"seed":18446744073709551615}');
  });

  it('writes a bigint deep among ordinary values, indented like JSON.stringify', () => {
    const value = { a: [1, 'two', { skipped: undefined }], b: { seed: 2n ** 64n - 1n, cfg: 7.5 } };
    const expected = JSON.stringify({ ...value, b: { seed: 0, cfg: 7.5 } }, null, 2).replace(
      '"seed": 0',
      '"seed": 18446744073709551615',
    );
    expect(stringifyJson(value, 2)).toBe(expected);
  });

  it('matches JSON.stringify for ordinary values, compact and indented', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
        expect(stringifyJson(value, indent)).toBe(JSON.stringify(value, null, indent));
      }),
    );
  });

  it('writes an object with nothing to write as {} when indenting, as JSON.stringify does', () => {
    const value = { a: { skipped: undefined, alsoSkipped: () => 1 }, b: [] };
    expect(stringifyJson(value, 2)).toBe(JSON.stringify(value, null, 2));
  });

  it('matches JSON.stringify for any value it can write: dates, sparse arrays, undefined, boxed values', () => {
    const anything = fc.anything({
      withDate: true,
      withSparseArray: true,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withTypedArray: true,
    });
    fc.assert(
      fc.property(anything, fc.constantFrom(0, 2), (value, indent) => {
        expect(stringifyJson(value, indent)).toBe(JSON.stringify(value, null, indent) ?? 'null');
      }),
    );
  });

  it('refuses data that contains itself with a ValidationError, not a stack overflow', () => {
    const loop: unknown[] = [];
    loop.push(loop);
    expect(() => stringifyJson(loop)).toThrow(ValidationError);
  });

  it('round-trips any big integer exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), (n) => {
        const back = parseJson(stringifyJson({ n }));
        expect(back).toEqual({ n: Number.isSafeInteger(Number(n)) ? Number(n) : n });
      }),
    );
  });
});
