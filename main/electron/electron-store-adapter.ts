import ElectronStore from 'electron-store';
import type { KeyValueStore } from '../adapters';

export function createElectronStore(): KeyValueStore {
  const store = new ElectronStore<Record<string, unknown>>({ name: 'config', clearInvalidConfig: false });
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
    get path() {
      return store.path;
    },
  };
}
