// Binds the contract to Electron IPC. Every call is checked for its sender frame (only our own page, top frame) and
// its payload (dispatch.ts). Events wait in a queue until the renderer says it is mounted, so none is lost at start.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { CALL_CHANNEL, EVENT_CHANNEL, type EventName } from '../../preload/contract';
import { dispatchCall } from '../contract/dispatch';
import { RendererEventGate, type NavigationDetails } from '../contract/renderer-event-gate';
import type { Logger } from '../log/logger';
import type { Studio } from '../studio';

export function bindContract(
  studio: Studio,
  window: BrowserWindow,
  isTrustedUrl: (url: string) => boolean,
  logger: Logger,
): () => void {
  const gate = new RendererEventGate((event: EventName, payload: unknown) => {
    if (window.isDestroyed()) return;
    window.webContents.send(EVENT_CHANNEL, event, payload);
  });
  const unsubscribeEvents = studio.events.subscribe((event, payload) => gate.push(event, payload));
  const unsubscribeReady = studio.onRendererReady(() => gate.rendererReady());
  const onNavigate = (details: NavigationDetails) => gate.navigationStarted(details);
  window.webContents.on('did-start-navigation', onNavigate);

  ipcMain.handle(CALL_CHANNEL, (event: IpcMainInvokeEvent, method: unknown, input: unknown) => {
    const frame = event.senderFrame;
    if (event.sender !== window.webContents || !frame || frame.parent !== null || !isTrustedUrl(frame.url)) {
      return { ok: false, error: { kind: 'bad_request', message: 'Calls are accepted from the app window only.' } };
    }
    return dispatchCall(studio.handlers, method, input, logger);
  });

  return () => {
    ipcMain.removeHandler(CALL_CHANNEL);
    unsubscribeEvents();
    unsubscribeReady();
    if (!window.isDestroyed()) window.webContents.off('did-start-navigation', onNavigate);
  };
}
