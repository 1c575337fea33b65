// The desktop side of the stand-in `electron` (re-exported by electron.ts): the OS shell, the keychain, dialogs, the
// application menu, notifications, the tray and the screen. Typed against Electron's declarations like the rest.
import { EventEmitter } from 'node:events';
/* eslint-disable no-restricted-imports, boundaries/dependencies -- types only: they keep the stand-in's signatures honest to Electron's API */
import type { Dialog, MenuItemConstructorOptions, Rectangle, SafeStorage, Shell } from 'electron';
/* eslint-enable no-restricted-imports, boundaries/dependencies */
import { record } from './recorder';

export const shell: Pick<Shell, 'openExternal' | 'showItemInFolder' | 'openPath'> = {
  openExternal(url: string): Promise<void> {
    record('shell.openExternal', { url });
    return Promise.resolve();
  },
  showItemInFolder(fullPath: string): void {
    record('shell.showItemInFolder', { fullPath });
  },
  openPath(path: string): Promise<string> {
    record('shell.openPath', { path });
    return Promise.resolve('');
  },
};

// A reversible fake keychain: sealed bytes carry a marker and are not the plain text, so the test can tell that a
// secret went through safeStorage and never reached the disk as typed.
const SEALED_MARKER = Buffer.from('stand-in-sealed:');
export const safeStorage: Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'
> = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString(plainText: string): Buffer {
    record('safeStorage.encryptString', { length: plainText.length });
    return Buffer.concat([SEALED_MARKER, Buffer.from(plainText).map((byte) => byte ^ 0x5a)]);
  },
  decryptString(encrypted: Buffer): string {
    record('safeStorage.decryptString');
    if (!encrypted.subarray(0, SEALED_MARKER.length).equals(SEALED_MARKER)) throw new Error('Error while decrypting');
    return Buffer.from(encrypted.subarray(SEALED_MARKER.length).map((byte) => byte ^ 0x5a)).toString();
  },
};

// The file dialogs answer "cancelled"; they take an optional parent window first, as Electron's do.
export const dialog: Pick<Dialog, 'showErrorBox'> & {
  showSaveDialog(...args: unknown[]): Promise<{ canceled: true; filePath: string }>;
  showOpenDialog(...args: unknown[]): Promise<{ canceled: true; filePaths: string[] }>;
} = {
  showErrorBox(title: string, content: string): void {
    record('dialog.showErrorBox', { title, content });
  },
  showSaveDialog(...args: unknown[]) {
    record('dialog.showSaveDialog', { parented: args.length === 2 });
    return Promise.resolve({ canceled: true, filePath: '' });
  },
  showOpenDialog(...args: unknown[]) {
    record('dialog.showOpenDialog', { parented: args.length === 2 });
    return Promise.resolve({ canceled: true, filePaths: [] });
  },
};

export class Menu {
  static current: Menu | null = null;
  private constructor(readonly template: MenuItemConstructorOptions[]) {}
  static buildFromTemplate(template: MenuItemConstructorOptions[]): Menu {
    return new Menu(template);
  }
  static setApplicationMenu(menu: Menu | null): void {
    record('Menu.setApplicationMenu', { template: menu?.template });
    Menu.current = menu;
  }
}

class StandInImage {
  constructor(readonly path: string) {}
  resize(): StandInImage {
    return this;
  }
}
export const nativeImage = { createFromPath: (path: string) => new StandInImage(path) };

export class Notification extends EventEmitter {
  static isSupported(): boolean {
    return true;
  }
  constructor(readonly options: { title?: string; body?: string }) {
    super();
  }
  show(): void {
    record('Notification.show', { title: this.options.title, body: this.options.body });
  }
}

export class Tray extends EventEmitter {
  constructor(readonly image: StandInImage) {
    super();
    record('Tray.new', { icon: image.path });
  }
  setToolTip(toolTip: string): void {
    record('Tray.setToolTip', { toolTip });
  }
  setTitle(title: string): void {
    record('Tray.setTitle', { title });
  }
  destroy(): void {
    record('Tray.destroy');
  }
}

export const screen = {
  getAllDisplays: (): Array<{ workArea: Rectangle }> => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
};
