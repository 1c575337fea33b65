// A Studio built from Node adapters and served over the browser bridge: the browser demo and the end-to-end tests.
import { join } from 'node:path';
import { systemClock } from '../adapters';
import { KeyFileEncryptor } from '../services/key-file-encryptor';
import { createRecoverableNodeStore } from '../node-adapters';
import { createStudio, type Studio } from '../studio';
import { redactingSink, type LogLevel } from '../log/log-sink';
import { createLogger } from '../log/logger';
import type { ControlEndpoint } from '../services/service-lifecycle';
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
  /** Where log lines go (standard error when not given); every line is redacted before it gets there. */
  writeLog?: (line: string, level: LogLevel) => void;
  /** Where the EAS control API answers (the simulator's, over http); EAS's own host per region when not given. */
  controlEndpoint?: ControlEndpoint;
}): Promise<ServedStudio> {
  const logger = createLogger(redactingSink(options.writeLog ?? ((line) => process.stderr.write(`${line}\n`))));
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
    logger,
    ...(options.controlEndpoint ? { controlEndpoint: options.controlEndpoint } : {}),
  });
  const bridge = await startBrowserBridge({
    studio,
    rendererDir: options.rendererDir,
    port: options.port,
    logger: logger.child('bridge'),
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
