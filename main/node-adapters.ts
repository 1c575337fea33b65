// Adapters for running the Studio in plain Node: tests, the CLI, the demo and the browser bridge. The Electron shell
// has its own in main/electron/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import type { Clock, KeyValueStore } from './adapters';
import { RecoverableStore } from './services/recoverable-store';

/** `conf` is electron-store's engine: the same file format and API, without Electron. */
export function createNodeStore(dataDir: string, name = 'config'): KeyValueStore {
  mkdirSync(dataDir, { recursive: true });
  const conf = new Conf<Record<string, unknown>>({ cwd: dataDir, configName: name, projectName: 'artlab-desktop' });
  return {
    get: (key) => conf.get(key),
    set: (key, value) => conf.set(key, value),
    delete: (key) => conf.delete(key),
    get path() {
      return conf.path;
    },
  };
}

/** The Node store (conf) wrapped for recovery: what tests, the CLI and the browser demo should open. */
export function createRecoverableNodeStore(dataDir: string, name = 'config', clock?: Clock): RecoverableStore {
  const filePath = join(dataDir, `${name}.json`);
  return new RecoverableStore({ open: () => createNodeStore(dataDir, name), filePath, ...(clock ? { clock } : {}) });
}
