// electron-updater's events turned into UpdaterSnapshots. Plain Node (an EventEmitter in, snapshots out), so the
// mapping is tested without Electron; main/electron/auto-updater.ts feeds it the real autoUpdater.
import { z } from 'zod';
import { redact } from '../log/redact';
import type { UpdaterSnapshot } from './updater';

/** The part of electron-updater's AppUpdater (an EventEmitter) this mapping listens to. */
export interface UpdaterEventSource {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

const VersionInfo = z.object({ version: z.string() });
const Progress = z.object({ percent: z.number() });

export const UPDATE_ERROR_MESSAGE =
  'Could not check for or download the update. Check the internet connection; the app tries again later.';

/**
 * Calls `onSnapshot` with each new state; returns the unsubscribe. `logError` receives the full error (redacted:
 * the feed URL may carry a token), the artist sees only UPDATE_ERROR_MESSAGE.
 */
export function followUpdaterEvents(
  source: UpdaterEventSource,
  onSnapshot: (snapshot: UpdaterSnapshot) => void,
  logError: (message: string, detail: string) => void,
): () => void {
  let current: UpdaterSnapshot = { state: 'idle' };
  const set = (next: UpdaterSnapshot) => {
    current = next;
    onSnapshot(next);
  };
  // The payloads come from another library: parsed, so a changed shape shows up as an error state, not a crash.
  const version = (args: unknown[]) => VersionInfo.parse(args[0]).version;
  const listeners: [string, (...args: unknown[]) => void][] = [
    ['checking-for-update', () => set({ state: 'checking' })],
    ['update-available', (...args) => set({ state: 'downloading', availableVersion: version(args), progress: 0 })],
    ['update-not-available', () => set({ state: 'up-to-date' })],
    [
      'download-progress',
      (...args) => {
        const { percent } = Progress.parse(args[0]);
        set({ ...current, state: 'downloading', progress: Math.min(1, Math.max(0, percent / 100)) });
      },
    ],
    ['update-downloaded', (...args) => set({ state: 'ready', availableVersion: version(args) })],
    [
      'error',
      (...args) => {
        const error = args[0];
        logError('update failed', redact(error instanceof Error ? (error.stack ?? error.message) : String(error)));
        set({ ...current, state: 'error', error: UPDATE_ERROR_MESSAGE });
      },
    ],
  ];
  const guarded = listeners.map(([event, listener]): [string, (...args: unknown[]) => void] => [
    event,
    (...args) => {
      try {
        listener(...args);
      } catch (error) {
        logError(`unexpected ${event} payload`, redact(String(error)));
        set({ ...current, state: 'error', error: UPDATE_ERROR_MESSAGE });
      }
    },
  ]);
  for (const [event, listener] of guarded) source.on(event, listener);
  return () => {
    for (const [event, listener] of guarded) source.off(event, listener);
  };
}
