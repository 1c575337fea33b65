// A Studio on a temporary data dir with the Node adapters, and a contract client that records every reply and event
// so a test can scan all of them for secrets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MethodName, MethodResult } from '../../../preload/contract';
import { systemClock } from '../../../main/adapters';
import { dispatchCall } from '../../../main/contract/dispatch';
import type { EncryptionStrength, Encryptor } from '../../../main/services/encryptor';
import { KeyFileEncryptor } from '../../../main/services/key-file-encryptor';
import { createRecoverableNodeStore } from '../../../main/node-adapters';
import type { RecoverableStore } from '../../../main/services/recoverable-store';
import { createStudio, type Studio } from '../../../main/studio';

/** The Node encryptor reporting another strength: how the shell's safeStorage looks without a keyring. */
export class StrengthEncryptor implements Encryptor {
  constructor(
    private readonly inner: Encryptor,
    readonly strength: EncryptionStrength,
  ) {}
  encrypt(plain: string): Buffer {
    return this.inner.encrypt(plain);
  }
  decrypt(sealed: Buffer): string {
    return this.inner.decrypt(sealed);
  }
}

export interface TestStudio {
  dir: string;
  studio: Studio;
  store: RecoverableStore;
  /** Every envelope and event payload, as it would cross the transport. */
  crossed: unknown[];
  call<M extends MethodName>(method: M, input?: unknown): Promise<MethodResult<M>>;
  /** The error envelope of a call expected to fail. */
  fail(method: MethodName, input?: unknown): Promise<{ kind: string; message: string }>;
  close(): Promise<void>;
}

export function openStudio(
  options: { dir?: string; strength?: EncryptionStrength; keepDir?: boolean } = {},
): TestStudio {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'artlab-services-'));
  const keyFile = new KeyFileEncryptor(join(dir, 'secret.key'));
  const encryptor = options.strength ? new StrengthEncryptor(keyFile, options.strength) : keyFile;
  const store = createRecoverableNodeStore(dir);
  const studio = createStudio({
    paths: { dataDir: dir },
    clock: systemClock,
    encryptor,
    store,
    app: { name: 'ArtLab Desktop', version: '0.0.0', platform: 'linux', transport: 'browser' },
  });
  const crossed: unknown[] = [];
  const unsubscribe = studio.events.subscribe((event, payload) => crossed.push({ event, payload }));
  const send = async (method: MethodName, input: unknown) => {
    const envelope = await dispatchCall(studio.handlers, method, input);
    // What a transport would actually send: JSON.
    crossed.push(JSON.parse(JSON.stringify(envelope)) as unknown);
    return envelope;
  };
  return {
    dir,
    studio,
    store,
    crossed,
    async call(method, input) {
      const envelope = await send(method, input);
      if (!envelope.ok) throw new Error(`${method} failed: ${envelope.error.kind}: ${envelope.error.message}`);
      return envelope.value as never;
    },
    async fail(method, input) {
      const envelope = await send(method, input);
      if (envelope.ok) throw new Error(`${method} was expected to fail`);
      return envelope.error;
    },
    async close() {
      unsubscribe();
      await studio.close();
      if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
