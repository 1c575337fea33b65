// A stand-in for the `electron` module, so the built main bundle boots in plain Node. It implements only what the
// shell and its Electron-only libraries (electron-log, electron-store) call, typed against Electron's own declarations
// (each class `implements Pick<...>` of the real one), records every call that matters for security or wiring, and
// keeps the handlers the shell registers so the test can drive them (driver.ts). Where Electron refuses a call made
// at the wrong time (a privileged scheme after `ready`, a session or protocol handler before it), so does this.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
/* eslint-disable no-restricted-imports, boundaries/dependencies -- types only: they keep the stand-in's signatures honest to Electron's API */
import type {
  App,
  BrowserWindowConstructorOptions,
  BrowserWindow as ElectronBrowserWindow,
  CustomScheme,
  HandlerDetails,
  HeadersReceivedResponse,
  IpcMain,
  OnHeadersReceivedListenerDetails,
  PreloadScriptRegistration,
  Protocol,
  Rectangle,
  Session,
  WebContents,
  WindowOpenHandlerResponse,
} from 'electron';
/* eslint-enable no-restricted-imports, boundaries/dependencies */
import { STAND_IN_APP, STAND_IN_ENV } from './messages';
import { exitAfterFlush, record, requiredEnv } from './recorder';

type InvokeHandler = Parameters<IpcMain['handle']>[1];
type ProtocolHandler = Parameters<Protocol['handle']>[1];
type PermissionRequestHandler = Parameters<Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<Session['setPermissionCheckHandler']>[0];
type HeadersListener = (
  details: OnHeadersReceivedListenerDetails,
  callback: (response: HeadersReceivedResponse) => void,
) => void;
type Listener = Parameters<EventEmitter['on']>[1];

const userData = requiredEnv(STAND_IN_ENV.userData);

class StandInApp
  extends EventEmitter
  implements
    Pick<
      App,
      | 'whenReady'
      | 'isReady'
      | 'requestSingleInstanceLock'
      | 'quit'
      | 'getPath'
      | 'setPath'
      | 'getName'
      | 'getVersion'
      | 'getLocale'
      | 'getAppPath'
      | 'isPackaged'
      | 'name'
    >
{
  readonly isPackaged = false;
  readonly name = STAND_IN_APP.name;
  private ready: Promise<void> | undefined;
  private readyNow = false;
  private readonly paths = new Map<string, string>([['userData', userData]]);

  /** Electron emits `ready` once the main script has run; here it follows the first whenReady(). */
  whenReady(): Promise<void> {
    this.ready ??= new Promise((resolve) =>
      setImmediate(() => {
        this.readyNow = true;
        record('app.ready');
        this.emit('ready', {}, {});
        resolve();
      }),
    );
    return this.ready;
  }
  isReady(): boolean {
    return this.readyNow;
  }
  requestSingleInstanceLock(): boolean {
    const granted = process.env[STAND_IN_ENV.lockHeld] !== '1';
    record('app.requestSingleInstanceLock', { granted });
    return granted;
  }
  quit(): void {
    record('app.quit');
    exitAfterFlush(0);
  }
  getPath(name: string): string {
    return this.paths.get(name) ?? join(this.getPath('userData'), `stand-in-${name}`);
  }
  setPath(name: string, path: string): void {
    record('app.setPath', { name, path });
    this.paths.set(name, path);
  }
  getName(): string {
    return STAND_IN_APP.name;
  }
  getVersion(): string {
    return STAND_IN_APP.version;
  }
  getLocale(): string {
    return STAND_IN_APP.locale;
  }
  getAppPath(): string {
    return process.cwd();
  }
}

export const app = new StandInApp();

function requireReady(what: string): void {
  if (!app.isReady()) throw new Error(`${what} can only be used after the app is ready.`);
}

export class StandInWebContents
  extends EventEmitter
  implements Pick<WebContents, 'send' | 'setWindowOpenHandler' | 'isDestroyed' | 'isCrashed' | 'getURL'>
{
  windowOpenHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | undefined;
  url = '';
  destroyed = false;

  send(channel: string, ...args: unknown[]): void {
    record('webContents.send', { channel, args });
  }
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    record('webContents.setWindowOpenHandler');
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isCrashed(): boolean {
    return false;
  }
  getURL(): string {
    return this.url;
  }
}

export class BrowserWindow
  extends EventEmitter
  implements
    Pick<
      ElectronBrowserWindow,
      | 'loadFile'
      | 'loadURL'
      | 'show'
      | 'focus'
      | 'restore'
      | 'maximize'
      | 'isMinimized'
      | 'isMaximized'
      | 'isDestroyed'
      | 'getNormalBounds'
      | 'setProgressBar'
    >
{
  static readonly created: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.created.filter((window) => !window.isDestroyed());
  }

  readonly webContents = new StandInWebContents();
  private destroyed = false;

  constructor(readonly options: BrowserWindowConstructorOptions = {}) {
    super();
    requireReady('BrowserWindow');
    const preload = options.webPreferences?.preload;
    record('BrowserWindow.new', { options, preloadExists: preload ? existsSync(preload) : false });
    BrowserWindow.created.push(this);
  }
  loadFile(filePath: string): Promise<void> {
    record('BrowserWindow.loadFile', { filePath, exists: existsSync(filePath) });
    return this.load(pathToFileURL(filePath).href);
  }
  loadURL(url: string): Promise<void> {
    record('BrowserWindow.loadURL', { url });
    return this.load(url);
  }
  private load(url: string): Promise<void> {
    this.webContents.url = url;
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  show(): void {
    record('BrowserWindow.show');
  }
  focus(): void {
    record('BrowserWindow.focus');
  }
  restore(): void {
    record('BrowserWindow.restore');
  }
  maximize(): void {
    record('BrowserWindow.maximize');
  }
  isMinimized(): boolean {
    return false;
  }
  isMaximized(): boolean {
    return false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getNormalBounds(): Rectangle {
    const { x = 0, y = 0, width = 800, height = 600 } = this.options;
    return { x, y, width, height };
  }
  setProgressBar(progress: number): void {
    record('BrowserWindow.setProgressBar', { progress });
  }
  /** Electron's order when the user closes the window: `close`, then destroyed, then `closed`. */
  closeByUser(): void {
    this.emit('close', { preventDefault: () => undefined });
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

class StandInIpcMain extends EventEmitter implements Pick<IpcMain, 'handle' | 'removeHandler'> {
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, listener: InvokeHandler): void {
    // Electron refuses a second handler on a channel.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    record('ipcMain.handle', { channel });
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    record('ipcMain.removeHandler', { channel });
    this.handlers.delete(channel);
  }
  override on(channel: string | symbol, listener: Listener): this {
    record('ipcMain.on', { channel: String(channel) });
    return super.on(channel, listener);
  }
}

export const ipcMain = new StandInIpcMain();

class StandInProtocol implements Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle' | 'unhandle'> {
  readonly handlers = new Map<string, ProtocolHandler>();

  registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void {
    if (app.isReady()) throw new Error('registerSchemesAsPrivileged should be called before app is ready');
    record('protocol.registerSchemesAsPrivileged', { customSchemes });
  }
  handle(scheme: string, handler: ProtocolHandler): void {
    requireReady('protocol.handle');
    record('protocol.handle', { scheme });
    this.handlers.set(scheme, handler);
  }
  unhandle(scheme: string): void {
    record('protocol.unhandle', { scheme });
    this.handlers.delete(scheme);
  }
}

export const protocol = new StandInProtocol();

class StandInSession
  extends EventEmitter
  implements Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'registerPreloadScript'>
{
  permissionRequestHandler: PermissionRequestHandler = null;
  permissionCheckHandler: PermissionCheckHandler = null;
  readonly headerListeners: HeadersListener[] = [];
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener | null): void => {
      record('session.webRequest.onHeadersReceived');
      if (listener) this.headerListeners.push(listener);
    },
  };

  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    record('session.setPermissionRequestHandler');
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    record('session.setPermissionCheckHandler');
    this.permissionCheckHandler = handler;
  }
  registerPreloadScript(script: PreloadScriptRegistration): string {
    record('session.registerPreloadScript', { id: script.id, type: script.type, filePath: script.filePath });
    return script.id ?? 'preload';
  }
}

const defaultSession = new StandInSession();
export const session = {
  get defaultSession(): StandInSession {
    requireReady('session.defaultSession');
    return defaultSession;
  },
};

export { dialog, Menu, nativeImage, Notification, safeStorage, screen, shell, Tray } from './desktop';
