// The Updater port: what the core needs from an auto-updater. The Electron shell wraps electron-updater
// (main/electron/auto-updater.ts); Node (browser demo, tests, CLI) has none and uses `unmanagedUpdater`.
import type { UpdateState } from '../../preload/schemas/updates';
import { BadRequestError } from '../errors';

export interface UpdaterSnapshot {
  state: UpdateState;
  availableVersion?: string;
  progress?: number;
  /** One sentence for the artist, without URLs that could carry a token. */
  error?: string;
}

export interface Updater {
  /** False when no updater runs (not the packaged desktop app). */
  readonly managed: boolean;
  snapshot(): UpdaterSnapshot;
  /** Checks the feed and, when newer, downloads in the background. Resolves when the check (not the download) ends. */
  check(): Promise<void>;
  /** Quits and installs a downloaded update. */
  restart(): void;
  /** Returns the unsubscribe. */
  onChange(listener: (snapshot: UpdaterSnapshot) => void): () => void;
  close(): void;
}

/** For Node: updates are the desktop app's business. */
export const unmanagedUpdater: Updater = {
  managed: false,
  snapshot: () => ({ state: 'unsupported' }),
  check: () => Promise.resolve(),
  restart: () => {
    throw new BadRequestError('Updates are managed by the desktop app.').withCode('updates-desktop-only');
  },
  onChange: () => () => undefined,
  close: () => undefined,
};
