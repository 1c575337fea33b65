// Seals secrets at rest. Electron's safeStorage in the shell (main/electron/), an AES-256-GCM key file in Node.

export type EncryptionStrength =
  /** The OS keychain / DPAPI / libsecret protects the key. */
  | 'os'
  /** A key file readable only by the user (Node: tests, CLI). */
  | 'key-file'
  /** Linux without a keyring: safeStorage falls back to a hard-coded key. Secrets are stored only if the user accepts. */
  | 'weak'
  | 'unavailable';

export interface Encryptor {
  readonly strength: EncryptionStrength;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}
