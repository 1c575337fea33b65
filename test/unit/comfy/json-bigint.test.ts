import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/errors';
import { parseJson, stringifyJson } from '../../../main/comfy/json-bigint';

describe('parseJson', () => {
  it('keeps integers beyond Number.MAX_SAFE_INTEGER exact as bigint', () => {
    const value = parseJson('{"seed": 18446744073709551615, "neg": -9007199254740993}');
    expect(value).toEqual({ seed: 18446744073709551615n, neg: -9007199254740993n });
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

  it('matches JSON.stringify for ordinary values, compact and indented', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
        expect(stringifyJson(value, indent)).toBe(JSON.stringify(value, null, indent));
      }),
    );
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
