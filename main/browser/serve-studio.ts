// A Studio built from Node adapters and served over the browser bridge: the browser demo and the end-to-end tests.
import { join } from 'node:path';
import { systemClock } from '../adapters';
import { KeyFileEncryptor } from '../services/key-file-encryptor';
import { createRecoverableNodeStore } from '../services/recoverable-store';
import { createStudio, type Studio } from '../studio';
import { redact } from '../log/redact';
import { startBrowserBridge, type BrowserBridge } from './bridge-server';

export interface ServedStudio {
  studio: Studio;
  bridge: BrowserBridge;
  close(): Promise<void>;
}

export async function serveStudioInBrowser(options: {
  dataDir: string;
  rendererDir: string;
  port?: number;
  version?: string;
}): Promise<ServedStudio> {
  const studio = createStudio({
    paths: { dataDir: options.dataDir },
    clock: systemClock,
    encryptor: new KeyFileEncryptor(join(options.dataDir, 'secret.key')),
    store: createRecoverableNodeStore(options.dataDir),
    app: {
      name: 'ArtLab Desktop',
      version: options.version ?? '0.0.0',
      platform: process.platform,
      transport: 'browser',
    },
    log: (message, error) => console.error(redact(message), error instanceof Error ? redact(error.message) : ''),
  });
  const bridge = await startBrowserBridge({
    studio,
    rendererDir: options.rendererDir,
    port: options.port,
    log: (message, error) => console.error(message, error),
    media: studio.media,
  });
  return {
    studio,
    bridge,
    async close() {
      await bridge.close();
      await studio.close();
    },
  };
}
