// The presence ports in Electron: system notifications, dock/taskbar progress, and a tray/menu-bar item with the
// number of running jobs (created only while jobs run, so an idle app leaves the menu bar alone).
import { app, nativeImage, Notification, Tray, type BrowserWindow } from 'electron';
import { clampProgress, type Presence } from '../presence';

export interface ElectronPresenceOptions {
  window: () => BrowserWindow | null;
  /** A 16/32 px PNG for the tray (on macOS a template image reads best, but the app icon works everywhere). */
  trayIconPath: string;
  /** Localized tooltip for the tray, e.g. "3 jobs running". */
  runningJobsLabel: (count: number) => string;
}

export function createElectronPresence(options: ElectronPresenceOptions): Presence {
  let tray: Tray | null = null;

  return {
    notify(title, body) {
      // Linux without a notification daemon and some Windows setups report no support: then stay silent.
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title, body, silent: false });
      notification.on('click', () => {
        const window = options.window();
        if (!window) return;
        if (window.isMinimized()) window.restore();
        window.focus();
      });
      notification.show();
    },
    setProgress(fraction) {
      const window = options.window();
      if (!window || window.isDestroyed()) return;
      // Electron removes the bar for a negative value.
      window.setProgressBar(clampProgress(fraction) ?? -1);
    },
    setRunningJobs(count) {
      if (process.platform === 'darwin') app.dock?.setBadge(count > 0 ? String(count) : '');
      if (count <= 0) {
        tray?.destroy();
        tray = null;
        return;
      }
      if (!tray) {
        tray = new Tray(nativeImage.createFromPath(options.trayIconPath).resize({ width: 16, height: 16 }));
        tray.on('click', () => options.window()?.show());
      }
      const label = options.runningJobsLabel(count);
      tray.setToolTip(label);
      if (process.platform === 'darwin') tray.setTitle(String(count));
    },
    close() {
      tray?.destroy();
      tray = null;
      const window = options.window();
      if (window && !window.isDestroyed()) window.setProgressBar(-1);
    },
  };
}
