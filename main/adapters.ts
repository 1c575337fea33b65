// The ports the core is built from. The Electron shell and Node (tests, CLI, demo) each provide their own.

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface Paths {
  /** Where the app keeps its database, caches and settings. */
  dataDir: string;
  /** Where `__name__` in a prompt reads `name.txt`; `<dataDir>/wildcards` when omitted. */
  wildcardsDir?: string;
}

/** The part of electron-store / conf the core uses: both satisfy it, so the core never imports either. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  readonly path: string;
}
