import { describe, expect, it } from 'vitest';
import { maskSecret, redact, registerSecret } from '../../../main/log/redact';

describe('redact', () => {
  it('masks a registered secret wherever it appears', () => {
    registerSecret('tok-NmQ5ZTc3YzYtZjA4');
    expect(redact('POST failed for token tok-NmQ5ZTc3YzYtZjA4 at x')).not.toContain('tok-NmQ5ZTc3YzYtZjA4');
  });

  it('masks Authorization headers and secret-looking fields it was never told about', () => {
    const line = redact(
      '{"Authorization":"Zjk4YmQ1","accessKeySecret":"s3cr3tvalue","url":"http://h/?token=abc123&x=1"}',
    );
    expect(line).not.toMatch(/Zjk4YmQ1|s3cr3tvalue|abc123/);
    expect(line).toContain('x=1');
  });

  it('keeps ordinary text as it is', () => {
    expect(redact('queue length 12, 3 consumers')).toBe('queue length 12, 3 consumers');
  });

  it('shows only the last four characters in a hint', () => {
    expect(maskSecret('abcdefa1b2')).toBe('••••a1b2');
    expect(maskSecret('abc')).toBe('••••');
  });
});
