// The contract over the browser bridge's WebSocket, for the renderer running in a normal browser (browser demo,
// end-to-end tests). The same ArtlabApi as the Electron preload's, so nothing above this file knows the transport.
import {
  unwrapEnvelope,
  type ArtlabApi,
  type Envelope,
  type EventName,
  type MethodName,
  type MethodResult,
} from '../../preload/contract';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Inbound =
  { type: 'reply'; id: number; envelope: Envelope<unknown> } | { type: 'event'; event: EventName; payload: unknown };

export function createBridgeClient(socketUrl: string): ArtlabApi {
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;

  const connect = (): Promise<WebSocket> => {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(socketUrl);
      ws.onopen = () => {
        socket = ws;
        resolve(ws);
      };
      ws.onerror = () => reject(new Error('The connection to ArtLab Desktop failed. Is the app still running?'));
      ws.onclose = () => {
        socket = null;
        opened = null;
        for (const call of pending.values()) call.reject(new Error('The connection to ArtLab Desktop closed.'));
        pending.clear();
      };
      ws.onmessage = (message: MessageEvent<string>) => {
        const inbound = JSON.parse(message.data) as Inbound;
        if (inbound.type === 'reply') {
          const call = pending.get(inbound.id);
          pending.delete(inbound.id);
          if (!call) return;
          try {
            call.resolve(unwrapEnvelope(inbound.envelope));
          } catch (error) {
            call.reject(error as Error);
          }
        } else {
          for (const listener of listeners.get(inbound.event) ?? []) listener(inbound.payload);
        }
      };
    });
    return opened;
  };

  return {
    async call<M extends MethodName>(method: M, ...input: unknown[]): Promise<MethodResult<M>> {
      const ws = socket ?? (await connect());
      const id = nextId++;
      return new Promise<MethodResult<M>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        ws.send(JSON.stringify({ type: 'call', id, method, input: input[0] }));
      });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      void connect();
      return () => {
        set.delete(wrapped);
      };
    },
  };
}
