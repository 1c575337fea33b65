import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../../main/errors';
import { KeyFileEncryptor } from '../../../main/services/key-file-encryptor';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('KeyFileEncryptor', () => {
  it('round-trips a secret and never stores it in plain text', () => {
    const encryptor = new KeyFileEncryptor(join(dir, 'secret.key'));
    const sealed = encryptor.encrypt('my-service-token-123');
    expect(sealed.toString('latin1')).not.toContain('my-service-token-123');
    expect(encryptor.decrypt(sealed)).toBe('my-service-token-123');
  });

  it('creates its key file readable by the user only, and reuses it', () => {
    const keyPath = join(dir, 'nested', 'secret.key');
    const sealed = new KeyFileEncryptor(keyPath).encrypt('abc');
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyPath)).toHaveLength(32);
    expect(new KeyFileEncryptor(keyPath).decrypt(sealed)).toBe('abc');
  });

  it('refuses a tampered or foreign secret with a storage error that says what to do', () => {
    const encryptor = new KeyFileEncryptor(join(dir, 'secret.key'));
    const sealed = encryptor.encrypt('abc');
    sealed.writeUInt8((sealed.at(-1) ?? 0) ^ 0xff, sealed.length - 1);
    expect(() => encryptor.decrypt(sealed)).toThrow(StorageError);
    expect(() => encryptor.decrypt(Buffer.from('xx'))).toThrow(/Enter the token/);
  });
});
