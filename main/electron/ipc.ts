// Binds the contract to Electron IPC. Every call is checked for its sender frame (only our own page, top frame) and
// its payload (dispatch.ts). Events wait in a queue until the renderer says it is mounted, so none is lost at start.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { CALL_CHANNEL, EVENT_CHANNEL, type EventName } from '../../preload/contract';
import { dispatchCall, type CallLogger } from '../contract/dispatch';
import type { Studio } from '../studio';

const MAX_QUEUED_EVENTS = 10_000;

export function bindContract(
  studio: Studio,
  window: BrowserWindow,
  isTrustedUrl: (url: string) => boolean,
  log: CallLogger,
): () => void {
  let ready = false;
  const queued: [EventName, unknown][] = [];

  const send = (event: EventName, payload: unknown) => {
    if (window.isDestroyed()) return;
    window.webContents.send(EVENT_CHANNEL, event, payload);
  };

  const unsubscribeEvents = studio.events.subscribe((event, payload) => {
    if (ready) send(event, payload);
    else if (queued.length < MAX_QUEUED_EVENTS) queued.push([event, payload]);
  });
  const unsubscribeReady = studio.onRendererReady(() => {
    ready = true;
    for (const [event, payload] of queued.splice(0)) send(event, payload);
  });
  // A reload unmounts the renderer: queue again until it reports ready.
  const onNavigate = () => {
    ready = false;
  };
  window.webContents.on('did-start-navigation', onNavigate);

  ipcMain.handle(CALL_CHANNEL, (event: IpcMainInvokeEvent, method: unknown, input: unknown) => {
    const frame = event.senderFrame;
    if (event.sender !== window.webContents || !frame || frame.parent !== null || !isTrustedUrl(frame.url)) {
      return { ok: false, error: { kind: 'bad_request', message: 'Calls are accepted from the app window only.' } };
    }
    return dispatchCall(studio.handlers, method, input, log);
  });

  return () => {
    ipcMain.removeHandler(CALL_CHANNEL);
    unsubscribeEvents();
    unsubscribeReady();
    if (!window.isDestroyed()) window.webContents.off('did-start-navigation', onNavigate);
  };
}
