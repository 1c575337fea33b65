// The preload exposes `window.artlab`, built from the contract, and nothing else: no ipcRenderer, no generic send.
// It runs sandboxed (CommonJS, no Node imports); main validates every payload again.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  CALL_CHANNEL,
  EVENT_CHANNEL,
  isEventName,
  isMethodName,
  unwrapEnvelope,
  type ArtlabApi,
  type Envelope,
  type EventName,
} from './contract';

const api: ArtlabApi = {
  async call(method, ...input) {
    if (!isMethodName(method)) throw new Error(`Unknown method ${String(method)}`);
    const envelope = (await ipcRenderer.invoke(CALL_CHANNEL, method, input[0])) as Envelope<never>;
    return unwrapEnvelope(envelope);
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`Unknown event ${String(event)}`);
    const handler = (_e: IpcRendererEvent, name: EventName, payload: unknown) => {
      if (name === event) (listener as (payload: unknown) => void)(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('artlab', api);
