// The gallery's GalleryHost port in Electron: a native folder picker for export, the OS file manager for reveal.
import { dialog, shell, type BrowserWindow } from 'electron';
import type { GalleryHost } from '../gallery/gallery-module';

export function createElectronGalleryHost(window: () => BrowserWindow | null): GalleryHost {
  return {
    async pickFolder() {
      const options = { properties: ['openDirectory' as const, 'createDirectory' as const] };
      const parent = window();
      const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    reveal(path) {
      shell.showItemInFolder(path);
      return Promise.resolve(true);
    },
  };
}
