// The credential vault (DESIGN.md rule 3): secrets sealed by the Encryptor, stored base64 in the key-value store
// under their own key, apart from the service records. Plain text exists only in main, only when a client needs it,
// and every value opened is registered with the log redactor.
import { z } from 'zod';
import type { KeyValueStore } from '../adapters';
import type { ErrorCode } from '../../preload/schemas/common';
import { StorageError } from '../errors';
import { maskSecret, registerSecret } from '../log/redact';
import type { EncryptionStrength, Encryptor } from './encryptor';

const VAULT_KEY = 'vault';
const POLICY_KEY = 'vaultPolicy';

const SealedSecretSchema = z.object({
  /** base64 of the Encryptor's output. */
  sealed: z.string(),
  /** `••••a1b2`: what the UI shows; kept beside the sealed value so listing needs no decryption (and no keychain). */
  hint: z.string(),
});
const VaultFileSchema = z.object({ version: z.literal(1), secrets: z.record(z.string(), SealedSecretSchema) });
type VaultFile = z.infer<typeof VaultFileSchema>;
const PolicySchema = z.object({ acceptWeak: z.boolean() });

export interface VaultPolicyStatus {
  strength: EncryptionStrength;
  acceptedWeak: boolean;
  canStoreSecrets: boolean;
  reason?: string;
  reasonCode?: VaultRefusalCode;
  unreadableSecrets: number;
}

type VaultRefusalCode = Extract<ErrorCode, 'vault-keychain-unavailable' | 'vault-weak-not-accepted'>;

export class Vault {
  private readonly unreadable = new Set<string>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly encryptor: Encryptor,
  ) {}

  status(): VaultPolicyStatus {
    const strength = this.encryptor.strength;
    const acceptedWeak = this.acceptedWeak();
    const refusal = refusalReason(strength, acceptedWeak);
    return {
      strength,
      acceptedWeak,
      canStoreSecrets: refusal === undefined,
      ...(refusal ? { reason: refusal.message, reasonCode: refusal.code } : {}),
      unreadableSecrets: this.unreadable.size,
    };
  }

  /** The user read the warning and accepts secrets protected by the weaker, built-in key. */
  acceptWeak(): void {
    this.store.set(POLICY_KEY, { acceptWeak: true });
  }

  /** Throws a StorageError saying why when secrets may not be stored now. */
  assertCanStore(): void {
    const refusal = refusalReason(this.encryptor.strength, this.acceptedWeak());
    if (refusal) throw new StorageError(refusal.message).withCode(refusal.code);
  }

  put(ref: string, secret: string): void {
    this.assertCanStore();
    const sealed = this.encryptor.encrypt(secret).toString('base64');
    registerSecret(secret);
    const file = this.read();
    file.secrets[ref] = { sealed, hint: maskSecret(secret) };
    this.unreadable.delete(ref);
    this.write(file);
  }

  /** Copies a sealed secret without opening it (duplicating a service). */
  copy(fromRef: string, toRef: string): void {
    const file = this.read();
    const entry = file.secrets[fromRef];
    if (!entry) return;
    file.secrets[toRef] = { ...entry };
    this.write(file);
  }

  has(ref: string): boolean {
    return this.read().secrets[ref] !== undefined;
  }

  hint(ref: string): string | undefined {
    return this.read().secrets[ref]?.hint;
  }

  /** The plain secret, for a client in main only. Throws a StorageError when it cannot be decrypted. */
  open(ref: string): string | undefined {
    const entry = this.read().secrets[ref];
    if (!entry) return undefined;
    try {
      const plain = this.encryptor.decrypt(Buffer.from(entry.sealed, 'base64'));
      registerSecret(plain);
      this.unreadable.delete(ref);
      return plain;
    } catch (error) {
      this.unreadable.add(ref);
      if (error instanceof StorageError) throw error;
      throw new StorageError(
        'A stored secret cannot be decrypted. Enter the token or key again in the service settings.',
      ).withCode('secret-undecryptable');
    }
  }

  delete(ref: string): void {
    const file = this.read();
    if (!(ref in file.secrets)) return;
    delete file.secrets[ref];
    this.unreadable.delete(ref);
    this.write(file);
  }

  deletePrefix(prefix: string): void {
    const file = this.read();
    let changed = false;
    for (const ref of Object.keys(file.secrets)) {
      if (ref.startsWith(prefix)) {
        delete file.secrets[ref];
        this.unreadable.delete(ref);
        changed = true;
      }
    }
    if (changed) this.write(file);
  }

  /** Forgets every secret that failed to decrypt; returns their refs so the caller can tell the user. */
  forgetUnreadable(): string[] {
    const refs = [...this.unreadable];
    for (const ref of refs) this.delete(ref);
    this.unreadable.clear();
    return refs;
  }

  private acceptedWeak(): boolean {
    const parsed = PolicySchema.safeParse(this.store.get(POLICY_KEY));
    return parsed.success && parsed.data.acceptWeak;
  }

  private read(): VaultFile {
    const parsed = VaultFileSchema.safeParse(this.store.get(VAULT_KEY));
    // Records are rebuilt from scratch rather than trusted: a damaged entry reads as "no secret", never as a crash.
    return parsed.success ? { version: 1, secrets: { ...parsed.data.secrets } } : { version: 1, secrets: {} };
  }

  private write(file: VaultFile): void {
    this.store.set(VAULT_KEY, file);
  }
}

function refusalReason(
  strength: EncryptionStrength,
  acceptedWeak: boolean,
): { message: string; code: VaultRefusalCode } | undefined {
  if (strength === 'unavailable') {
    return {
      message:
        'Secrets cannot be stored: the system keychain is not available, so a token would be saved unprotected. Unlock or set up the keychain (on Linux: gnome-keyring or KWallet), then try again.',
      code: 'vault-keychain-unavailable',
    };
  }
  if (strength === 'weak' && !acceptedWeak) {
    return {
      message:
        'Secrets are not stored yet: no system keychain was found, so they could only be protected by a built-in key that other programs can read. Set up a keychain, or accept the weaker protection in Settings.',
      code: 'vault-weak-not-accepted',
    };
  }
  return undefined;
}
