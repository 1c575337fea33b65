// The Updater port over electron-updater: a generic feed (electron-builder.yml `publish`, or ARTLAB_UPDATE_URL),
// downloaded in the background, installed on "restart to update" or on the next quit.
import { app } from 'electron';
import electronUpdater, { type AppUpdater } from 'electron-updater';
import { followUpdaterEvents } from '../updates/updater-events';
import { unmanagedUpdater, type Updater, type UpdaterSnapshot } from '../updates/updater';
import { TypedEmitter } from '../typed-emitter';

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
  const changes = new TypedEmitter<{ change: UpdaterSnapshot }>();
  const stopFollowing = followUpdaterEvents(
    updater,
    (next) => {
      current = next;
      changes.emit('change', next);
    },
    (message, detail) => options.log.error(message, detail),
  );

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
      return changes.on('change', listener);
    },
    close() {
      changes.clear();
      stopFollowing();
    },
  };
}
