// Small HTTP helpers shared by the queue server's routes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';

export class PayloadTooLargeError extends Error {}

export function replyText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

export function replyJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

export function replyBytes(res: ServerResponse, contentType: string, bytes: Uint8Array): void {
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(bytes.byteLength) });
  res.end(bytes);
}

/** Refuses a websocket upgrade with a plain-text HTTP reply, as the gateway does. */
export function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  const body = Buffer.from(text);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${body.length}\r\n` +
      'Connection: close\r\n\r\n' +
      body.toString(),
  );
}

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const piece = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += piece.length;
    if (size > maxBytes) throw new PayloadTooLargeError(`the body exceeds ${maxBytes} bytes`);
    chunks.push(piece);
  }
  return Buffer.concat(chunks);
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
