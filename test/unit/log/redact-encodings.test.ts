import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forgetSecret, redact, registerSecret } from '../../../main/log/redact';

/** Runs `check` with `secret` registered, and forgets it after, so one run's secret cannot mask the next one's. */
function withSecret(secret: string, check: () => void): void {
  registerSecret(secret);
  try {
    check();
  } finally {
    forgetSecret(secret);
  }
}

const secrets = fc.string({ unit: 'grapheme', minLength: 6, maxLength: 40 }).filter((s) => s.length >= 6);
const text = fc.string({ unit: 'grapheme', maxLength: 40 });

/** The forms a service or a library may echo a secret in, computed here independently of the redactor. */
function standaloneForms(secret: string): Record<string, string> {
  const bytes = Buffer.from(secret, 'utf8');
  return {
    raw: secret,
    base64: bytes.toString('base64'),
    base64url: bytes.toString('base64url'),
    hex: bytes.toString('hex'),
    HEX: bytes.toString('hex').toUpperCase(),
    url: encodeURIComponent(secret),
    form: new URLSearchParams({ q: secret }).toString().slice(2),
    json: JSON.stringify(secret).slice(1, -1),
  };
}

/** The characters of `encoded` (base64 of before + secret + after) that only the secret's bytes determine. */
function secretOnlyCharacters(encoded: string, before: number, secretBytes: number): string {
  return encoded.slice(Math.ceil((8 * before) / 6), Math.floor((8 * (before + secretBytes)) / 6));
}

describe('redacting encoded secrets', () => {
  it('masks every standalone encoding of a registered secret inside any text', () => {
    fc.assert(
      fc.property(secrets, text, text, (secret, prefix, suffix) => {
        withSecret(secret, () => {
          for (const [name, form] of Object.entries(standaloneForms(secret))) {
            const out = redact(`${prefix}${form}${suffix}`);
            expect(out, name).not.toContain(form);
            expect(out, name).toContain('[redacted]');
          }
        });
      }),
    );
  });

  it('masks a secret inside a longer base64 or base64url string, whatever its alignment', () => {
    const bytes = fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b));
    fc.assert(
      fc.property(secrets, bytes, bytes, text, (secret, before, after, around) => {
        withSecret(secret, () => {
          const secretBytes = Buffer.from(secret, 'utf8');
          const payload = Buffer.concat([before, secretBytes, after]);
          for (const encoding of ['base64', 'base64url'] as const) {
            const encoded = payload.toString(encoding);
            const determined = secretOnlyCharacters(encoded, before.length, secretBytes.length);
            const out = redact(`${around} data=${encoded} ${around}`);
            expect(out, encoding).not.toContain(determined);
          }
        });
      }),
    );
  });

  it('masks a base64 secret percent-encoded in a query string', () => {
    withSecret('tok+/9Zz~secret', () => {
      const base64 = Buffer.from('tok+/9Zz~secret').toString('base64');
      const out = redact(`GET /echo?payload=${encodeURIComponent(base64)}&page=2`);
      expect(out).not.toContain(encodeURIComponent(base64).slice(0, 12));
      expect(out).toContain('page=2');
    });
  });

  it('keeps ordinary text around a masked secret', () => {
    withSecret('tok-7c1f00aa', () => {
      const base64 = Buffer.from('tok-7c1f00aa').toString('base64');
      expect(redact(`service said: ${base64} (queue length 12)`)).toBe('service said: [redacted] (queue length 12)');
    });
  });
});
