// The /ws sockets of the simulated ComfyUI, by client id (ComfyUI's `sid`): events for a prompt go to the socket of
// the client that submitted it (prompt-queue.ts decides); status goes to every socket. Applies the dropWsEvery fault.
import type { WebSocket } from 'ws';
import { stringifyJson } from '../../../main/comfy/json-bigint';
import type { FaultInjector } from '../faults';

interface Client {
  socket: WebSocket;
  framesSent: number;
  /** Announced with `feature_flags`: previews then carry a JSON metadata block. */
  previewMetadata: boolean;
}

export class WsHub {
  private readonly clients = new Map<string, Client>();

  constructor(private readonly faults?: FaultInjector) {}

  get size(): number {
    return this.clients.size;
  }

  /** Registers a socket; a reconnect with the same client id replaces the old socket, as in ComfyUI. */
  add(clientId: string, socket: WebSocket): void {
    const previous = this.clients.get(clientId);
    if (previous && previous.socket !== socket) previous.socket.terminate();
    const client: Client = { socket, framesSent: 0, previewMetadata: false };
    this.clients.set(clientId, client);
    socket.on('close', () => {
      if (this.clients.get(clientId) === client) this.clients.delete(clientId);
    });
  }

  /** Sends to one client, or to every client when `clientId` is undefined. */
  send(type: string, data: Record<string, unknown>, clientId?: string): void {
    // An execution_error's current_inputs may hold a 64-bit seed (bigint).
    const text = stringifyJson({ type, data });
    const targets = clientId === undefined ? [...this.clients.values()] : [this.clients.get(clientId)];
    for (const client of targets) {
      if (!client || client.socket.readyState !== client.socket.OPEN) continue;
      client.socket.send(text);
      client.framesSent += 1;
      if (this.faults?.shouldDropAfterFrame(client.framesSent)) client.socket.terminate();
    }
  }

  setPreviewMetadata(clientId: string, enabled: boolean): void {
    const client = this.clients.get(clientId);
    if (client) client.previewMetadata = enabled;
  }

  /**
   * Sends a binary preview frame: `[u32 1][u32 2 = PNG][image]`, or for a client that announced
   * supports_preview_metadata `[u32 4][u32 length][JSON metadata][image]`.
   */
  sendPreview(clientId: string, png: Buffer, metadata: Record<string, unknown>): void {
    const client = this.clients.get(clientId);
    if (!client || client.socket.readyState !== client.socket.OPEN) return;
    let frame: Buffer;
    if (client.previewMetadata) {
      const json = Buffer.from(JSON.stringify({ ...metadata, image_type: 'image/png' }));
      const head = Buffer.alloc(8);
      head.writeUInt32BE(4, 0);
      head.writeUInt32BE(json.length, 4);
      frame = Buffer.concat([head, json, png]);
    } else {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(1, 0);
      head.writeUInt32BE(2, 4);
      frame = Buffer.concat([head, png]);
    }
    client.socket.send(frame, { binary: true });
    client.framesSent += 1;
    if (this.faults?.shouldDropAfterFrame(client.framesSent)) client.socket.terminate();
  }

  /** Closes every socket (restart, shutdown). */
  terminateAll(): void {
    for (const client of this.clients.values()) client.socket.terminate();
    this.clients.clear();
  }
}
