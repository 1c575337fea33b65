// The Electron shell as it ships: out/main/index.js booted in a child Node process whose `electron` is a recording
// stand-in, and out/preload/index.cjs evaluated in its own V8 context. Proves the wiring of main/index.ts,
// main/electron/** and preload/index.ts (window hardening, session, protocol, lock, IPC door, lifecycle) without the
// Electron binary, which cannot be installed here.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../../preload/contract';
import { STAND_IN_APP } from './stand-in/messages';
import { bundles, ensureBuiltBundles } from './support/built-bundles';
import { compileStandIn } from './support/compile-stand-in';
import { runPreload, type PreloadSandbox } from './support/preload-sandbox';
import { ShellProcess } from './support/shell-process';

const appPage = pathToFileURL(bundles.rendererIndex).href;
// Spelled out, not imported from main/electron (which needs Electron): a change to the policy is a change to this spec.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: artlab-media:",
  "media-src 'self' blob: artlab-media:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
const refused = { ok: false, error: { kind: 'bad_request', message: 'Calls are accepted from the app window only.' } };

let root: string;
let standInDir: string;
// The two short-lived boots start beside the long one: on a busy machine most of a boot is loading modules.
let secondInstance: ShellProcess;
let unopenable: { shell: ShellProcess; userData: string };
beforeAll(async () => {
  await ensureBuiltBundles();
  root = mkdtempSync(join(tmpdir(), 'artlab-shell-'));
  standInDir = join(root, 'stand-in');
  mkdirSync(standInDir);
  compileStandIn(standInDir);
  secondInstance = bootShell('second-instance', { lockHeld: true }).shell;
  // A folder where the job database should be: the ledger cannot open, so the Studio cannot start.
  unopenable = bootShell('unopenable', { prepare: (userData) => mkdirSync(join(userData, 'jobs.sqlite')) });
}, 60_000);
afterAll(async () => {
  await Promise.all([secondInstance.kill(), unopenable.shell.kill()]);
  rmSync(root, { recursive: true, force: true });
});

function bootShell(
  name: string,
  options: { lockHeld?: boolean; prepare?: (userData: string) => void } = {},
): { shell: ShellProcess; userData: string } {
  const userData = join(root, name);
  mkdirSync(userData);
  options.prepare?.(userData);
  return { shell: new ShellProcess({ standInDir, userData, lockHeld: options.lockHeld ?? false }), userData };
}

function callFromAppPage(shell: ShellProcess, method: string, input?: unknown): Promise<unknown> {
  const frame = { url: appPage, top: true };
  return shell.command({ name: 'invoke', channel: CALL_CHANNEL, sender: 'app-window', frame, args: [method, input] });
}

describe('the main bundle, booted with the stand-in electron', () => {
  let shell: ShellProcess;
  let userData: string;
  beforeAll(async () => {
    ({ shell, userData } = bootShell('first-instance'));
    await shell.waitFor('BrowserWindow.loadFile');
  }, 60_000);
  afterAll(() => shell.kill());

  it('takes the single-instance lock and privileges the artlab-media: scheme before ready, then handles it', () => {
    const kinds = shell.records.map((record) => record.kind);
    const ready = kinds.indexOf('app.ready');
    expect(kinds.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(ready);
    expect(kinds.indexOf('app.requestSingleInstanceLock')).toBeLessThan(ready);
    expect(shell.details('protocol.registerSchemesAsPrivileged')).toEqual([
      {
        customSchemes: [
          {
            scheme: 'artlab-media',
            privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true },
          },
        ],
      },
    ]);
    expect(shell.details('protocol.handle')).toEqual([{ scheme: 'artlab-media' }]);
  });

  it('opens one sandboxed, isolated window with the preload and the page that ship', () => {
    const [window] = shell.details('BrowserWindow.new') as Array<{
      options: { webPreferences: Record<string, unknown>; show: boolean };
      preloadExists: boolean;
    }>;
    expect(shell.details('BrowserWindow.new')).toHaveLength(1);
    expect(window?.options.show).toBe(false);
    expect(window?.options.webPreferences).toEqual({
      preload: bundles.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    });
    // webSecurity, allowRunningInsecureContent and experimentalFeatures keep Electron's safe defaults.
    expect(window?.preloadExists).toBe(true);
    expect(shell.details('BrowserWindow.loadFile')).toEqual([{ filePath: bundles.rendererIndex, exists: true }]);
    expect(shell.details('BrowserWindow.loadURL')).toEqual([]);
  });

  it('shows the window once its page is ready to show', async () => {
    await shell.waitFor('BrowserWindow.show');
  });

  it('puts its Content-Security-Policy on every response and keeps the other headers', async () => {
    const responses = await shell.command({
      name: 'response-headers',
      url: appPage,
      headers: { 'Content-Type': ['text/html'] },
    });
    expect(responses).toEqual([
      { responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } },
    ]);
  });

  it.each(['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal'])(
    'denies the %s permission, asked or checked',
    async (permission) => {
      await expect(shell.command({ name: 'permission-request', permission })).resolves.toEqual({
        handled: true,
        granted: false,
      });
      await expect(shell.command({ name: 'permission-check', permission })).resolves.toEqual({
        handled: true,
        granted: false,
      });
    },
  );

  it.each(['https://example.com/', appPage, 'file:///etc/passwd'])('cancels navigation to %s', async (url) => {
    await expect(shell.command({ name: 'navigate', url })).resolves.toEqual({ prevented: true });
  });

  it('cancels attaching a webview', async () => {
    await expect(shell.command({ name: 'attach-webview' })).resolves.toEqual({ prevented: true });
  });

  it('denies every new window and hands only http and https links to the OS', async () => {
    const urls = [
      'https://example.com/docs',
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'artlab-media://image/1/original',
      'smb://host/share',
      'not a url',
    ];
    for (const url of urls) {
      await expect(shell.command({ name: 'open-window', url })).resolves.toEqual({ action: 'deny' });
    }
    expect(shell.details('shell.openExternal')).toEqual([
      { url: 'https://example.com/docs' },
      { url: 'http://example.com/' },
    ]);
  });

  it('registers the contract on one invoke channel; the only other channels are electron-log and electron-store', () => {
    expect(shell.details('ipcMain.handle')).toEqual([{ channel: '__ELECTRON_LOG__' }, { channel: CALL_CHANNEL }]);
    expect(shell.details('ipcMain.on')).toEqual([
      { channel: '__ELECTRON_LOG__' },
      { channel: 'electron-store-get-data' },
    ]);
  });

  it('adds no preload of its own beside the app preload to the session', () => {
    expect(shell.details('session.registerPreloadScript')).toEqual([]);
  });

  it.each([
    ['another webContents', 'other-contents', appPage, true],
    ['a foreign page in the app window', 'app-window', 'https://evil.example/', true],
    ['a page beside the app page', 'app-window', pathToFileURL(bundles.preload).href, true],
    ['a file whose name starts like the app page', 'app-window', `${appPage}-copy.html`, true],
    ['a subframe of the app page', 'app-window', appPage, false],
  ] as const)('refuses a call from %s', async (_case, sender, url, top) => {
    const reply = await shell.command({
      name: 'invoke',
      channel: CALL_CHANNEL,
      sender,
      frame: { url, top },
      args: ['app.info', undefined],
    });
    expect(reply).toEqual(refused);
  });

  it('answers app.info and services.list from the app page, with the data folder Electron named', async () => {
    await expect(callFromAppPage(shell, 'app.info')).resolves.toEqual({
      ok: true,
      value: {
        name: STAND_IN_APP.name,
        version: STAND_IN_APP.version,
        platform: process.platform,
        transport: 'electron',
        dataDir: userData,
      },
    });
    await expect(callFromAppPage(shell, 'services.list')).resolves.toEqual({ ok: true, value: [] });
    expect(readdirSync(userData)).toContain('jobs.sqlite');
  });

  it('still checks the payload of a call from the app page', async () => {
    await expect(callFromAppPage(shell, 'no.such.method')).resolves.toMatchObject({
      ok: false,
      error: { kind: 'bad_request' },
    });
    await expect(callFromAppPage(shell, 'settings.update', { theme: 'neon' })).resolves.toMatchObject({
      ok: false,
      error: { kind: 'bad_request' },
    });
  });

  it('seals a token with safeStorage, stores it sealed and never sends it back', async () => {
    const token = 'eas-token-that-must-stay-in-main-0123456789';
    const created = await callFromAppPage(shell, 'services.create', {
      edition: 'exclusive',
      name: 'Local ComfyUI',
      url: 'http://127.0.0.1:8188',
      token,
    });
    expect(created).toMatchObject({ ok: true, value: { name: 'Local ComfyUI', hasToken: true } });
    expect(JSON.stringify(created)).not.toContain(token);
    expect(shell.details('safeStorage.encryptString')).toContainEqual({ length: token.length });
    const listed = await callFromAppPage(shell, 'services.list');
    expect(listed).toMatchObject({ ok: true, value: [{ name: 'Local ComfyUI', hasToken: true }] });
    expect(JSON.stringify(listed)).not.toContain(token);
    for (const file of readdirSync(userData, { recursive: true, withFileTypes: true })) {
      if (file.isFile()) expect(readFileSync(join(file.parentPath, file.name)).includes(token)).toBe(false);
    }
  });

  it('holds events until the page says it is ready, then sends them on the event channel', async () => {
    const sent = () => shell.details('webContents.send');
    await expect(callFromAppPage(shell, 'settings.update', { theme: 'dark' })).resolves.toMatchObject({ ok: true });
    expect(sent()).toEqual([]);
    await expect(callFromAppPage(shell, 'app.ready')).resolves.toEqual({ ok: true });
    expect(sent()).toContainEqual({
      channel: EVENT_CHANNEL,
      args: ['settings.changed', { theme: 'dark', language: 'system' }],
    });
  });

  it.each([
    'artlab-media://image/999/thumb',
    'artlab-media://image/1/secret',
    'artlab-media://image/..%2F..%2Fjobs.sqlite/original',
    'artlab-media://other/1/original',
  ])('answers %s with 404 and no bytes', async (url) => {
    await expect(shell.command({ name: 'media', url, method: 'GET' })).resolves.toMatchObject({
      status: 404,
      body: '',
    });
  });

  it('answers media with CORS, so that the grid can save a canvas of its thumbnails', async () => {
    const reply = await shell.command({ name: 'media', url: 'artlab-media://image/999/thumb', method: 'GET' });
    expect(reply).toMatchObject({ headers: { 'access-control-allow-origin': '*' } });
  });

  it('brings its window forward when a second instance starts', async () => {
    await shell.command({ name: 'second-instance' });
    expect(shell.details('BrowserWindow.focus')).toHaveLength(1);
  });

  it('opens the logs folder from the Help menu', async () => {
    await shell.command({ name: 'menu-click', label: 'Open Logs Folder' });
    const opened = await shell.waitFor('shell.openPath');
    expect(opened.detail).toEqual({ path: join(userData, 'logs') });
  });

  it('asks where to export diagnostics in a dialog over the window, and writes nothing when cancelled', async () => {
    const before = readdirSync(userData);
    await shell.command({ name: 'menu-click', label: 'Export Diagnostics…' });
    const asked = await shell.waitFor('dialog.showSaveDialog');
    expect(asked.detail).toEqual({ parented: true });
    expect(readdirSync(userData)).toEqual(before);
  });

  describe('the preload, talking to this shell', () => {
    let preload: PreloadSandbox;
    let stopDelivering: () => void;
    beforeAll(() => {
      preload = runPreload(readFileSync(bundles.preload, 'utf8'), (channel, args) =>
        shell.command({ name: 'invoke', channel, sender: 'app-window', frame: { url: appPage, top: true }, args }),
      );
      // What main sends to the window reaches the preload's ipcRenderer, before the reply to the call that caused it
      // (one ordered IPC pipe from the child).
      stopDelivering = shell.onRecord((record) => {
        if (record.kind !== 'webContents.send') return;
        const { channel, args } = record.detail as { channel: string; args: unknown[] };
        preload.deliver(channel, ...args);
      });
    });
    afterAll(() => stopDelivering());

    it('calls through ipcRenderer.invoke on the contract channel and gets main’s answer', async () => {
      const artlab = preload.mainWorld.artlab as { call(method: string, input?: unknown): Promise<unknown> };
      await expect(artlab.call('app.info')).resolves.toMatchObject({ transport: 'electron', dataDir: userData });
      expect(preload.ipcRenderer.invocations).toEqual([{ channel: CALL_CHANNEL, args: ['app.info', undefined] }]);
    });

    it('delivers main’s events to the page listener, and an unsubscribed listener hears nothing', async () => {
      const artlab = preload.mainWorld.artlab as {
        call(method: string, input?: unknown): Promise<unknown>;
        on(event: string, listener: (payload: unknown) => void): () => void;
      };
      const heard: unknown[] = [];
      const unsubscribe = artlab.on('settings.changed', (payload) => heard.push(payload));
      await artlab.call('settings.update', { language: 'zh-CN' });
      expect(heard).toContainEqual({ theme: 'dark', language: 'zh-CN' });
      unsubscribe();
      expect(preload.ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(0);
      await artlab.call('settings.update', { language: 'en' });
      expect(heard).toHaveLength(1);
    });
  });

  it('on close: unbinds the contract, saves the window, closes the Studio and quits', async () => {
    await shell.command({ name: 'close-window' });
    await expect(shell.exited).resolves.toEqual({ code: 0, signal: null });
    expect(shell.details('ipcMain.removeHandler')).toEqual([{ channel: CALL_CHANNEL }]);
    expect(shell.details('app.quit')).toHaveLength(1);
    const config = JSON.parse(readFileSync(join(userData, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.window).toEqual({ bounds: { x: 0, y: 0, width: 1280, height: 820 }, maximized: false });
  });
});

describe('a second instance', () => {
  it('quits at once when another instance holds the lock, opening nothing', async () => {
    await expect(secondInstance.exited).resolves.toEqual({ code: 0, signal: null });
    const kinds = secondInstance.records.map((record) => record.kind);
    expect(secondInstance.details('app.requestSingleInstanceLock')).toEqual([{ granted: false }]);
    expect(kinds).toContain('app.quit');
    expect(kinds).not.toContain('app.ready');
    expect(kinds).not.toContain('BrowserWindow.new');
    expect(secondInstance.details('ipcMain.handle')).not.toContainEqual({ channel: CALL_CHANNEL });
  });
});

describe('a Studio that cannot open', () => {
  it('says why and where the log is, in a dialog, then quits without a window', async () => {
    const { shell, userData } = unopenable;
    await expect(shell.exited).resolves.toEqual({ code: 0, signal: null });
    const [dialog] = shell.details('dialog.showErrorBox') as Array<{ title: string; content: string }>;
    expect(dialog?.title).toBe('ArtLab Desktop cannot start');
    expect(dialog?.content).toContain('cannot open the job database');
    const logFile = /Details are in the log: (.+)$/.exec(dialog?.content ?? '')?.[1] ?? '';
    expect(logFile.startsWith(userData)).toBe(true);
    expect(readFileSync(logFile, 'utf8')).toContain('start-up failed');
    expect(shell.details('BrowserWindow.new')).toEqual([]);
    expect(shell.details('app.quit')).toHaveLength(1);
  });
});
