// The Updater port over electron-updater: a generic feed (electron-builder.yml `publish`, or ARTLAB_UPDATE_URL),
// downloaded in the background, installed on "restart to update" or on the next quit.
import { app } from 'electron';
import electronUpdater, { type AppUpdater, type ProgressInfo, type UpdateInfo } from 'electron-updater';
import { redact } from '../log/redact';
import { unmanagedUpdater, type Updater, type UpdaterSnapshot } from '../updates/updater';

export interface AutoUpdaterOptions {
  /** Overrides the feed built into the package (app-update.yml). */
  feedUrl?: string;
  log: { info(...parts: unknown[]): void; warn(...parts: unknown[]): void; error(...parts: unknown[]): void };
}

/** electron-updater only works in a packaged app, and on Linux only from an AppImage. */
export function canAutoUpdate(): boolean {
  if (!app.isPackaged) return false;
  return process.platform !== 'linux' || Boolean(process.env.APPIMAGE);
}

export function createAutoUpdater(options: AutoUpdaterOptions): Updater {
  if (!canAutoUpdate()) return unmanagedUpdater;
  // electron-updater is CommonJS: its named exports are reached through the default import under ESM.
  const updater: AppUpdater = electronUpdater.autoUpdater;
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.logger = options.log;
  if (options.feedUrl) updater.setFeedURL({ provider: 'generic', url: options.feedUrl });

  let current: UpdaterSnapshot = { state: 'idle' };
  const listeners = new Set<(snapshot: UpdaterSnapshot) => void>();
  const set = (next: UpdaterSnapshot) => {
    current = next;
    for (const listener of listeners) listener(next);
  };

  const onChecking = () => set({ state: 'checking' });
  const onAvailable = (info: UpdateInfo) => set({ state: 'downloading', availableVersion: info.version, progress: 0 });
  const onNone = () => set({ state: 'up-to-date' });
  const onProgress = (progress: ProgressInfo) =>
    set({ ...current, state: 'downloading', progress: Math.min(1, Math.max(0, progress.percent / 100)) });
  const onDownloaded = (info: UpdateInfo) => set({ state: 'ready', availableVersion: info.version });
  const onError = (error: Error) => {
    // The full error (with the feed URL, redacted) goes to the log; the artist gets a sentence that says what to do.
    options.log.error('update failed', redact(error.stack ?? error.message));
    set({
      ...current,
      state: 'error',
      error: 'Could not check for or download the update. Check the internet connection; the app tries again later.',
    });
  };
  updater.on('checking-for-update', onChecking);
  updater.on('update-available', onAvailable);
  updater.on('update-not-available', onNone);
  updater.on('download-progress', onProgress);
  updater.on('update-downloaded', onDownloaded);
  updater.on('error', onError);

  return {
    managed: true,
    snapshot: () => current,
    async check() {
      if (current.state === 'downloading' || current.state === 'ready') return;
      // Failures arrive through the 'error' event as well; swallowing the rejection avoids reporting them twice.
      await updater.checkForUpdates().catch(() => undefined);
    },
    restart() {
      // isSilent=false shows the Windows installer's progress; isForceRunAfter=true reopens the app.
      updater.quitAndInstall(false, true);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      updater.off('checking-for-update', onChecking);
      updater.off('update-available', onAvailable);
      updater.off('update-not-available', onNone);
      updater.off('download-progress', onProgress);
      updater.off('update-downloaded', onDownloaded);
      updater.off('error', onError);
    },
  };
}
