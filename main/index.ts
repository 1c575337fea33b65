// The Electron entry: lifecycle, the Studio built from Electron's adapters, the one window, the contract bound.
// Everything with logic lives in plain-Node modules (DESIGN.md rule 1).
import { app, dialog, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemClock } from './adapters';
import { installAppMenu } from './electron/app-menu';
import { createAutoUpdater } from './electron/auto-updater';
import { createElectronDiagnosticsHost } from './electron/diagnostics-host';
import { createElectronStore } from './electron/electron-store-adapter';
import { bindContract } from './electron/ipc';
import { createElectronGalleryHost } from './electron/gallery-host';
import { setUpLogging } from './electron/logging';
import { handleMediaProtocol, registerMediaScheme } from './electron/media-protocol';
import { createElectronPresence } from './electron/presence';
import { SafeStorageEncryptor } from './electron/safe-storage-encryptor';
import { createSecureWindow, hardenSession } from './electron/secure-window';
import { restoreWindowState, trackWindowState } from './electron/window-state';
import { addDemoServicesFromEnv } from './browser/demo-services';
import { isArtlabError } from './errors';
import { RecoverableStore } from './services/recoverable-store';
import type { Presence } from './presence';
import { createStudio, type Studio } from './studio';

// The demo runs against a throw-away data folder so it never touches the artist's own services.
const demoDataDir = process.env.ARTLAB_DEMO_DATA_DIR;
if (demoDataDir) app.setPath('userData', demoDataDir);

const { electronLog, logger } = setUpLogging();
const shellLog = logger.child('shell');
// The gallery's artlab-media: scheme must be privileged before `ready` (standard URLs, streaming for <video>).
registerMediaScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  let studio: Studio | null = null;
  let presence: Presence | null = null;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  process.on('uncaughtException', (error) => shellLog.error('uncaught exception', error));
  process.on('unhandledRejection', (reason) => shellLog.error('unhandled rejection', reason));

  void app
    .whenReady()
    .then(startApp)
    .catch((error: unknown) => {
      // Without this an unopenable database (disk, permissions, a native module built for Node) would leave the artist
      // with no window and no word: say what happened, where the details are, and quit.
      shellLog.error('start-up failed', error);
      const reason = isArtlabError(error) ? error.message : 'An unexpected error stopped the start.';
      dialog.showErrorBox(
        'ArtLab Desktop cannot start',
        `${reason}\n\nDetails are in the log: ${electronLog.transports.file.getFile().path}`,
      );
      app.quit();
    });

  async function startApp(): Promise<void> {
    hardenSession();
    // A damaged config file is set aside and reported in the UI, never a crash at start-up.
    const store = new RecoverableStore({
      open: createElectronStore,
      filePath: join(app.getPath('userData'), 'config.json'),
    });
    const currentWindow = () => window;
    presence = createElectronPresence({
      window: currentWindow,
      // Shipped beside app.asar (electron-builder.yml extraResources); the repository copy when unpackaged.
      trayIconPath: app.isPackaged
        ? join(process.resourcesPath, 'tray-icon.png')
        : join(app.getAppPath(), 'assets/icons/32x32.png'),
      runningJobsLabel: (count) =>
        app.getLocale().startsWith('zh') ? `${count} 个任务运行中` : `${count} job${count === 1 ? '' : 's'} running`,
    });
    studio = createStudio({
      paths: { dataDir: app.getPath('userData') },
      clock: systemClock,
      encryptor: new SafeStorageEncryptor(),
      store,
      app: { name: app.getName(), version: app.getVersion(), platform: process.platform, transport: 'electron' },
      logger,
      updater: createAutoUpdater({ feedUrl: process.env.ARTLAB_UPDATE_URL, log: electronLog }),
      diagnostics: createElectronDiagnosticsHost(electronLog.transports.file.getFile().path, currentWindow),
      presence,
      galleryHost: createElectronGalleryHost(currentWindow),
    });
    handleMediaProtocol(studio.media);
    installAppMenu(studio, logger.child('menu'));
    // `npm run demo`: the simulator's services, added through the Studio (Node-sealed secrets cannot cross over).
    const demoServices = process.env.ARTLAB_DEMO_SERVICES;
    if (demoDataDir && demoServices) {
      await addDemoServicesFromEnv(studio.handlers, demoServices).catch((error: unknown) =>
        shellLog.error('the demo services could not be added', error),
      );
    }

    const rendererIndex = join(import.meta.dirname, '../renderer/index.html');
    // `||`, not `??`: an empty variable must not make every URL trusted.
    const devServer = process.env.ELECTRON_RENDERER_URL || undefined;
    const trusted = new URL(devServer ?? pathToFileURL(rendererIndex).href);
    // The page itself, whatever its hash (page switches) or query: the same file, or the dev server's origin. A
    // prefix test would also trust `index.html-anything` and `file:` pages beside it.
    const isTrustedUrl = (url: string): boolean => {
      if (!URL.canParse(url)) return false;
      const candidate = new URL(url);
      return trusted.protocol === 'file:'
        ? candidate.protocol === 'file:' && candidate.pathname === trusted.pathname
        : candidate.origin === trusted.origin;
    };

    const { bounds, maximized } = restoreWindowState(store);
    window = createSecureWindow(bounds, join(import.meta.dirname, '../preload'));
    if (maximized) window.maximize();
    trackWindowState(window, store);
    const unbind = bindContract(studio, window, isTrustedUrl, logger.child('ipc'));
    window.on('closed', () => {
      unbind();
      window = null;
    });
    await (devServer ? window.loadURL(devServer) : window.loadFile(rendererIndex));
  }

  app.on('window-all-closed', () => {
    presence?.close();
    void (studio?.close() ?? Promise.resolve()).finally(() => app.quit());
  });
}
