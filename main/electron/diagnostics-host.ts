// The DiagnosticsHost port in Electron: a native save dialog, the OS file manager, electron-log's folder.
import { dirname } from 'node:path';
import { app, dialog, shell, type BrowserWindow } from 'electron';
import type { DiagnosticsHost } from '../diagnostics/diagnostics-host';

export function createElectronDiagnosticsHost(logFile: string, window: () => BrowserWindow | null): DiagnosticsHost {
  return {
    logsDir: dirname(logFile),
    versions: {
      electron: process.versions.electron ?? '',
      chrome: process.versions.chrome ?? '',
      node: process.versions.node,
      v8: process.versions.v8,
    },
    async chooseSavePath(defaultName) {
      const options = {
        defaultPath: `${app.getPath('downloads')}/${defaultName}`,
        filters: [{ name: 'Zip', extensions: ['zip'] }],
      };
      const parent = window();
      const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async openFolder(path) {
      // shell.openPath resolves with an error string instead of rejecting.
      return (await shell.openPath(path)) === '';
    },
  };
}
