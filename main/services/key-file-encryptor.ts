// AES-256-GCM with a random key kept in a file only the user can read: the Node stand-in for Electron's safeStorage
// (tests, the CLI, the browser demo). Sealed layout: version byte, 12-byte IV, 16-byte tag, ciphertext.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StorageError } from '../errors';
import type { Encryptor } from './encryptor';

const VERSION = 1;

export class KeyFileEncryptor implements Encryptor {
  readonly strength = 'key-file' as const;
  private readonly key: Buffer;

  constructor(keyPath: string) {
    this.key = loadOrCreateKey(keyPath);
  }

  encrypt(plain: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  decrypt(sealed: Buffer): string {
    if (sealed.length < 29 || sealed[0] !== VERSION) {
      throw new StorageError(
        'A stored secret is damaged. Enter the token or key again in the service settings.',
      ).withCode('secret-damaged');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 13));
      decipher.setAuthTag(sealed.subarray(13, 29));
      return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
    } catch {
      throw new StorageError(
        'A stored secret cannot be decrypted (the key file changed). Enter the token or key again in the service settings.',
      ).withCode('secret-undecryptable');
    }
  }
}

function loadOrCreateKey(keyPath: string): Buffer {
  try {
    const key = readFileSync(keyPath);
    if (key.length === 32) return key;
    throw new StorageError(
      `The key file ${keyPath} is damaged (wrong size). Remove it to start over; stored secrets will be lost.`,
    ).withCode('key-file-damaged', { path: keyPath });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(keyPath), { recursive: true });
  const key = randomBytes(32);
  // 'wx': never overwrite a key another process created a moment ago.
  writeFileSync(keyPath, key, { mode: 0o600, flag: 'wx' });
  chmodSync(keyPath, 0o600);
  return key;
}
