// The browser bridge (DESIGN.md rule 7): the built renderer and the contract served to a local browser, for the
// browser demo and the end-to-end tests. It is a door into main, so it is locked: 127.0.0.1 only, a random per-run
// secret as the first path segment of every request and of the socket, and foreign Host/Origin headers refused
// (a DNS-rebinding page would send its own Host).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { WorkflowImportSchema } from '../../preload/schemas/jobs';
import { dispatchCall, toContractError } from '../contract/dispatch';
import { redactingSink } from '../log/log-sink';
import { createLogger, type Logger } from '../log/logger';
import { mediaReply, type MediaLookup } from '../gallery/media-response';
import type { Studio } from '../studio';

export interface BrowserBridgeOptions {
  studio: Studio;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
  /** Unexpected errors of calls and sockets; standard error when not given. */
  logger?: Logger;
  /** The gallery's media by id and variant, served at `<secret>/media/<id>/<variant>`. */
  media?: MediaLookup;
}

export interface BrowserBridge {
  /** Open this in a browser. It carries the secret: print it to the user, never to a log file. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const CallMessage = z.object({
  type: z.literal('call'),
  id: z.number().int(),
  method: z.string(),
  input: z.unknown().optional(),
});

/**
 * The largest message a socket accepts: the largest `workflows.import` the contract allows, plus room for the call's
 * envelope. A PNG travels as base64, one byte per character (its bytes × 4/3). A workflow's JSON text costs at most
 * 3 UTF-8 bytes per character once sent as a JSON string: a valid JSON text holds no raw control characters, and
 * quotes, backslashes and line breaks grow to two bytes. Imports stay ordinary calls over the socket rather than an
 * upload route beside it: one door, one secret check, one schema, and the same renderer code as over IPC.
 */
export const MAX_MESSAGE_BYTES = largestImportBytes() + 1024 * 1024;

function largestImportBytes(): number {
  const [jsonImport, pngImport] = WorkflowImportSchema.options;
  const jsonChars = jsonImport.shape.json.maxLength;
  const pngChars = pngImport.shape.pngBase64.maxLength;
  if (jsonChars === null || pngChars === null) throw new Error('workflows.import must bound the size of its input');
  return Math.max(3 * jsonChars, pngChars);
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export async function startBrowserBridge(options: BrowserBridgeOptions): Promise<BrowserBridge> {
  const secret = randomBytes(24).toString('base64url');
  const prefix = `/${secret}/`;
  const sockets = new Set<Socket>();
  let port = 0;
  const logger =
    options.logger ??
    createLogger(
      redactingSink((line) => process.stderr.write(`${line}\n`)),
      'bridge',
    );

  const hostAllowed = (req: IncomingMessage): boolean => {
    const allowed = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!allowed.includes(req.headers.host ?? '')) return false;
    const origin = req.headers.origin;
    return origin === undefined || allowed.some((host) => origin === `http://${host}`);
  };
  const secretMatches = (path: string): boolean => {
    const given = Buffer.from(path.slice(0, prefix.length));
    const expected = Buffer.from(prefix);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const server = createServer((req, res) => {
    void serveHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!hostAllowed(req)) return void res.writeHead(403).end();
    if (!secretMatches(path)) return void res.writeHead(404).end();
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    let relative: string;
    try {
      relative = decodeURIComponent(path.slice(prefix.length)) || 'index.html';
    } catch {
      return void res.writeHead(400).end();
    }
    if (relative.startsWith('media/')) return serveMedia(req, res, relative);
    const file = normalize(join(options.rendererDir, relative));
    if (!file.startsWith(normalize(options.rendererDir) + sep) || relative.includes('\0')) {
      return void res.writeHead(404).end();
    }
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return void res.writeHead(404).end();
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  // Gallery media: looked up by id, never by path, behind the same Host/Origin and secret checks as everything else.
  async function serveMedia(req: IncomingMessage, res: ServerResponse, relative: string): Promise<void> {
    const [, id, variant, extra] = relative.split('/');
    const reply =
      options.media && extra === undefined
        ? await mediaReply(options.media, id, variant, req.headers.range)
        : await mediaReply(() => Promise.resolve(undefined), undefined, undefined);
    res.writeHead(reply.status, { ...reply.headers, 'Referrer-Policy': 'no-referrer' });
    if (!reply.body || req.method === 'HEAD') return void res.end();
    createReadStream(reply.body.path, { start: reply.body.start, end: reply.body.end }).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    // Node's HTTP server stops listening for errors on a socket it hands over for an upgrade; until ws adopts it,
    // a reset from the peer would be an unhandled 'error'.
    const onEarlyError = (error: Error) => logger.error('a browser socket failed before it was opened', error);
    socket.on('error', onEarlyError);
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!hostAllowed(req) || !secretMatches(path) || path !== `${prefix}ws`) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    socket.off('error', onEarlyError);
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  function serveSocket(ws: WebSocket): void {
    const unsubscribe = options.studio.events.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'event', event, payload }));
    });
    ws.on('close', unsubscribe);
    // ws emits 'error' for a frame it refuses (invalid UTF-8 text, a message over maxPayload, a bad opcode) and
    // closes that socket itself (1007, 1009, 1002). Without a listener the error would end the whole process.
    ws.on('error', (error) => logger.error('a browser socket was closed after a frame it could not accept', error));
    ws.on('message', (raw, isBinary) => {
      let message: z.infer<typeof CallMessage>;
      try {
        if (isBinary) throw new Error('binary frame');
        message = CallMessage.parse(JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : ''));
      } catch {
        ws.close(1003, 'malformed message');
        return;
      }
      void dispatchCall(options.studio.handlers, message.method, message.input, logger)
        .then((envelope) => JSON.stringify({ type: 'reply', id: message.id, envelope }))
        .catch((error: unknown) => {
          // A reply that cannot be serialised is a bug: the caller still gets an answer, the log the details.
          logger.error(`${message.method} reply could not be sent`, error);
          return JSON.stringify({
            type: 'reply',
            id: message.id,
            envelope: { ok: false, error: toContractError(error) },
          });
        })
        .then((reply) => {
          if (ws.readyState === ws.OPEN) ws.send(reply);
        });
    });
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    port,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
