// A key-value store that survives a damaged file. conf and electron-store throw on invalid JSON (at open and on every
// read, since they read the file each time); instead of crashing, this copies the damaged file aside, starts empty,
// and keeps an incident the UI shows with a "reset" button (Comfy-Org/desktop's recovery dialog, STYLE.md).
import { copyFileSync, rmSync } from 'node:fs';
import type { Clock, KeyValueStore } from '../adapters';
import { systemClock } from '../adapters';
import { StorageError } from '../errors';

export interface StoreIncident {
  backupPath: string;
  at: number;
  message: string;
}

export interface RecoverableStoreOptions {
  /** Opens the underlying store (conf, electron-store); called again after a damaged file was set aside. */
  open: () => KeyValueStore;
  /** The file `open` reads, known before opening: the store cannot tell us when it fails to open. */
  filePath: string;
  clock?: Clock;
  onIncident?: (incident: StoreIncident) => void;
}

export class RecoverableStore implements KeyValueStore {
  private inner: KeyValueStore;
  private current: StoreIncident | undefined;
  private readonly clock: Clock;

  constructor(private readonly options: RecoverableStoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.inner = this.guard(() => {
      const store = options.open();
      // conf parses lazily on first access: touch it now so a damaged file is found at start-up.
      store.get('__probe__');
      return store;
    });
  }

  get path(): string {
    return this.inner.path;
  }

  get incident(): StoreIncident | undefined {
    return this.current;
  }

  clearIncident(): void {
    this.current = undefined;
  }

  get(key: string): unknown {
    return this.guard(() => this.inner.get(key));
  }

  set(key: string, value: unknown): void {
    this.guard(() => this.inner.set(key, value));
  }

  delete(key: string): void {
    this.guard(() => this.inner.delete(key));
  }

  private guard<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      if (!isDamagedFileError(error)) throw error;
      this.setAside();
      return action();
    }
  }

  private setAside(): void {
    const at = this.clock.now();
    const backupPath = `${this.options.filePath}.damaged-${new Date(at).toISOString().replace(/[:.]/g, '-')}`;
    try {
      copyFileSync(this.options.filePath, backupPath);
      rmSync(this.options.filePath, { force: true });
    } catch (error) {
      throw new StorageError(
        `The settings file ${this.options.filePath} is damaged and could not be set aside (${describe(error)}). Move it away by hand and restart.`,
      );
    }
    this.inner = this.options.open();
    this.current = {
      backupPath,
      at,
      message: `The settings file was damaged, so ArtLab Desktop started with empty settings and no saved services. A copy of the damaged file is at ${backupPath}.`,
    };
    this.options.onIncident?.(this.current);
  }
}

/** conf / electron-store report a damaged file as a SyntaxError from JSON.parse (or a schema violation). */
function isDamagedFileError(error: unknown): boolean {
  return (
    error instanceof SyntaxError || (error instanceof Error && error.message.startsWith('Config schema violation:'))
  );
}

function describe(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code ?? 'unknown error';
}

export function isRecoverableStore(store: KeyValueStore): store is RecoverableStore {
  return store instanceof RecoverableStore;
}
