// Electron's safeStorage behind the core's Encryptor port. On Linux without a keyring it silently falls back to a
// hard-coded key ('basic_text'): report that as 'weak' so the UI can say so and ask (issue: electron#29302-style
// keyring fallbacks; Signal-Desktop handles the same case explicitly).
import { safeStorage } from 'electron';
import { StorageError } from '../errors';
import type { EncryptionStrength, Encryptor } from '../services/encryptor';

export class SafeStorageEncryptor implements Encryptor {
  get strength(): EncryptionStrength {
    if (!safeStorage.isEncryptionAvailable()) return 'unavailable';
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return 'weak';
    return 'os';
  }

  encrypt(plain: string): Buffer {
    if (this.strength === 'unavailable') {
      throw new StorageError(
        'The system keychain is not available, so secrets cannot be stored safely right now.',
      ).withCode('secret-keychain-unavailable');
    }
    return safeStorage.encryptString(plain);
  }

  decrypt(sealed: Buffer): string {
    try {
      return safeStorage.decryptString(sealed);
    } catch {
      throw new StorageError(
        'A stored secret cannot be decrypted: the system keychain changed or is locked. Unlock it, or enter the token again.',
      ).withCode('secret-keychain-locked');
    }
  }
}
