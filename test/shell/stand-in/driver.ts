// Runs the test's commands against what the shell registered with the stand-in: IPC calls with a chosen sender and
// frame, navigation and window-open attempts, permission requests, responses through the header hook, media
// requests, menu clicks, and the user closing the window. Each reply goes back over the IPC channel.
import type { Command, InvokeCommand, ParentMessage } from './messages';
import { app, BrowserWindow, ipcMain, Menu, protocol, session, StandInWebContents } from './electron';
import { send } from './recorder';

type InvokeEvent = Parameters<Parameters<typeof ipcMain.handle>[1]>[0];
type WindowOpenDetails = Parameters<StandInWebContents['setWindowOpenHandler']>[0] extends (details: infer D) => unknown
  ? D
  : never;
type PermissionRequestArgs = Parameters<NonNullable<typeof session.defaultSession.permissionRequestHandler>>;
type PermissionCheckArgs = Parameters<NonNullable<typeof session.defaultSession.permissionCheckHandler>>;

process.on('message', (message: ParentMessage) => {
  if (message.type !== 'command') return;
  run(message.command).then(
    (value) => send({ type: 'reply', id: message.id, value }),
    (error: unknown) => send({ type: 'reply', id: message.id, error: String(error) }),
  );
});

function appWindow(): BrowserWindow {
  const [window] = BrowserWindow.created;
  if (!window) throw new Error('The shell has not opened a window.');
  return window;
}

async function run(command: Command): Promise<unknown> {
  switch (command.name) {
    case 'invoke':
      return invoke(command);
    case 'navigate':
    case 'attach-webview': {
      let prevented = false;
      const event = { url: 'url' in command ? command.url : '', preventDefault: () => (prevented = true) };
      const name = command.name === 'navigate' ? 'will-navigate' : 'will-attach-webview';
      appWindow().webContents.emit(name, event, event.url);
      return { prevented };
    }
    case 'open-window': {
      const handler = appWindow().webContents.windowOpenHandler;
      if (!handler) throw new Error('No window open handler.');
      const details = { url: command.url, frameName: '', features: '', disposition: 'foreground-tab' };
      return handler(details as WindowOpenDetails);
    }
    case 'permission-request': {
      const handler = session.defaultSession.permissionRequestHandler;
      // Without a handler Electron grants every permission.
      if (!handler) return { handled: false, granted: true };
      const granted = await new Promise<boolean>((resolve) =>
        handler(...([appWindow().webContents, command.permission, resolve, {}] as unknown as PermissionRequestArgs)),
      );
      return { handled: true, granted };
    }
    case 'permission-check': {
      const handler = session.defaultSession.permissionCheckHandler;
      if (!handler) return { handled: false, granted: true };
      const args = [appWindow().webContents, command.permission, 'file://', {}] as unknown as PermissionCheckArgs;
      return { handled: true, granted: handler(...args) };
    }
    case 'response-headers': {
      const responses = [];
      for (const listener of session.defaultSession.headerListeners) {
        const details = { url: command.url, responseHeaders: command.headers };
        responses.push(await new Promise((resolve) => listener(details as Parameters<typeof listener>[0], resolve)));
      }
      return responses;
    }
    case 'media': {
      const handler = protocol.handlers.get(new URL(command.url).protocol.replace(/:$/, ''));
      if (!handler) throw new Error(`No protocol handler for ${command.url}`);
      const response = await handler(new Request(command.url, { method: command.method }));
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => (headers[key] = value));
      return { status: response.status, headers, body: await response.text() };
    }
    case 'second-instance':
      app.emit('second-instance', {}, [process.execPath], process.cwd(), {});
      return undefined;
    case 'menu-click': {
      const item = findMenuItem(Menu.current?.template ?? [], command.label);
      if (!item?.click) throw new Error(`No menu item ${command.label}`);
      Reflect.apply(item.click, undefined, []);
      return undefined;
    }
    case 'close-window':
      appWindow().closeByUser();
      app.emit('window-all-closed');
      return undefined;
  }
}

async function invoke(command: InvokeCommand): Promise<unknown> {
  const handler = ipcMain.handlers.get(command.channel);
  if (!handler) throw new Error(`No handler on ${command.channel}`);
  const sender = command.sender === 'app-window' ? appWindow().webContents : new StandInWebContents();
  const frame = { url: command.frame.url, parent: command.frame.top ? null : { url: command.frame.url } };
  // The shell reads only the sender and its frame from the event.
  const event = { sender, senderFrame: frame } as unknown as InvokeEvent;
  return (await handler(event, ...command.args)) as unknown;
}

type MenuItem = (typeof Menu.prototype.template)[number];
function findMenuItem(items: MenuItem[], label: string): MenuItem | undefined {
  for (const item of items) {
    if (item.label === label) return item;
    const inner = Array.isArray(item.submenu) ? findMenuItem(item.submenu, label) : undefined;
    if (inner) return inner;
  }
  return undefined;
}
