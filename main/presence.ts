// Presence ports: how the core tells the artist about work in the background — a system notification when a batch
// finishes or a watcher loses its token, progress on the dock/taskbar icon, and the number of running jobs in a
// tray/menu-bar item. The Electron shell implements them (main/electron/presence.ts); Node uses `silentPresence`.

export interface Notifier {
  /** A system notification. Title and body are already in the artist's language; never put a secret in them. */
  notify(title: string, body: string): void;
}

export interface ProgressIndicator {
  /** 0..1 shows progress on the dock/taskbar icon; null removes it. */
  setProgress(fraction: number | null): void;
}

export interface RunningJobsIndicator {
  /** Shown in the tray/menu-bar item (where the platform has one) and as the dock badge on macOS. */
  setRunningJobs(count: number): void;
}

export interface Presence extends Notifier, ProgressIndicator, RunningJobsIndicator {
  close(): void;
}

/** Node (tests, CLI, browser demo): nothing to show. */
export const silentPresence: Presence = {
  notify: () => undefined,
  setProgress: () => undefined,
  setRunningJobs: () => undefined,
  close: () => undefined,
};

/** Clamps a progress value for the shell: NaN and out-of-range values would make Electron hide or misdraw the bar. */
export function clampProgress(fraction: number | null): number | null {
  if (fraction === null || Number.isNaN(fraction)) return null;
  return Math.min(1, Math.max(0, fraction));
}
