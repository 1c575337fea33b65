// The simulated Exclusive-edition service: ComfyUI's HTTP + WebSocket API (reference/comfyui-api.md) behind the EAS
// gateway's token check. Outputs land in the mounted OSS bucket and are served by /view.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { parseJson as parseBigJson, stringifyJson } from '../../../main/comfy/json-bigint';
import { objectInfoJson } from '../comfy/engine';
import type { FaultInjector } from '../faults';
import { byteRange, contentTypeFor, type ObjectStore } from '../oss/object-store';
import { RestartableListener } from '../oss/restartable-listener';
import { MultipartError, parseMultipart } from './multipart';
import { mountKey } from './output-naming';
import { PromptQueue } from './prompt-queue';
import { WsHub } from './ws-hub';

export interface ExclusiveServerOptions {
  /** The EAS gateway token; when set, every request must send it bare in `Authorization`. */
  token?: string;
  /** Milliseconds per KSampler step. */
  stepMs: number;
  store: ObjectStore;
  /** The OSS folder mounted as ComfyUI's data dir: outputs go to `<mountPrefix>/output/...`. */
  mountPrefix: string;
  /** 127.0.0.1 port; 0 or absent = a free one. */
  port?: number;
  faults?: FaultInjector;
  /** Reuse the outputs of unchanged nodes, as ComfyUI does by default (true): an identical re-run saves no new file. */
  cache?: boolean;
  /** Send a binary preview frame after each sampler step (ComfyUI's --preview-method); off by default, as there. */
  previews?: boolean;
  now?: () => number;
}

export interface ExclusiveServer {
  /** `http://127.0.0.1:<port>/` — ends with a slash, like the console's call information. */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Every socket closed, connections refused for `downMs`. With `loseState`, the queue and history are lost too. */
  simulateRestart(downMs: number, options?: { loseState?: boolean }): Promise<void>;
  /** The prompt queue and history (to await idleness, change stepMs, inspect state). */
  queue: PromptQueue;
  /** The gateway's token changes (the owner rotated it): requests with the old one are refused with 401. */
  setToken(token: string): void;
  /** Number of open /ws sockets. */
  socketCount(): number;
  /**
   * The service is stopped (or not started yet) from the EAS control plane: HTTP answers 503, sockets are refused,
   * and the instance's memory (queue, history) is gone, as a released instance's is. `false` serves again.
   */
  setStopped(stopped: boolean): Promise<void>;
}

const QueueRequest = z.looseObject({ clear: z.boolean().optional(), delete: z.array(z.string()).optional() });
const InterruptRequest = z.looseObject({ prompt_id: z.string().optional() });
const FeatureFlagsMessage = z.object({ type: z.literal('feature_flags'), data: z.record(z.string(), z.unknown()) });
const MAX_UPLOAD_SIZE = 100 * 1024 * 1024;

function serverFeatures(): Record<string, unknown> {
  return { supports_preview_metadata: true, max_upload_size: MAX_UPLOAD_SIZE };
}

class BodyError extends Error {}

async function readBody(req: IncomingMessage, limit = MAX_UPLOAD_SIZE): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BodyError('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Python's json keeps integers exact at any size: a 64-bit seed must not be rounded as JSON.parse would. */
function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: parseBigJson(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = stringifyJson(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** aiohttp's `web.Response(status=…)`: an empty body that still says application/octet-stream. */
function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Type': 'application/octet-stream', 'Content-Length': '0' });
  res.end();
}

/** aiohttp's reply to an exception in a handler: what ComfyUI sends for malformed JSON or a non-object prompt. */
function sendInternalError(res: ServerResponse): void {
  sendText(res, 500, '500 Internal Server Error\n\nServer got itself in trouble');
}

/**
 * ComfyUI's origin_only_middleware (against a web page posting to a local server): when Host is a loopback address
 * and Origin names another host, 403 with an empty body. A port is compared only when both sides carry one.
 */
function foreignOrigin(req: IncomingMessage): boolean {
  const { host, origin } = req.headers;
  if (!host || !origin) return false;
  let originUrl: URL;
  let hostUrl: URL;
  try {
    originUrl = new URL(origin);
    hostUrl = new URL(`http://${host.toLowerCase()}`);
  } catch {
    return false;
  }
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(hostUrl.hostname);
  const hostDomain = originUrl.port === '' ? hostUrl.hostname : host.toLowerCase();
  const originDomain = hostUrl.port === '' ? originUrl.hostname : originUrl.host.toLowerCase();
  return loopback && hostDomain !== '' && originDomain !== '' && hostDomain !== originDomain;
}

function unsafeName(name: string): boolean {
  return name.startsWith('/') || name.includes('..') || name.includes('\\') || name.includes('\0');
}

export async function startExclusiveServer(options: ExclusiveServerOptions): Promise<ExclusiveServer> {
  const { store, faults } = options;
  // Read on every request, so that a test can rotate it (setToken).
  let token = options.token;
  const hub = new WsHub(faults);
  const queue = new PromptQueue({
    hub,
    store,
    mountPrefix: options.mountPrefix,
    stepMs: options.stepMs,
    ...(options.cache !== undefined ? { cache: options.cache } : {}),
    ...(options.previews !== undefined ? { previews: options.previews } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const now = options.now ?? Date.now;
  const startedAt = now();

  /** Model files in the mounted `models/<folder>/`, read on every /object_info as ComfyUI rescans its folders. */
  const mountedModels = (folder: string): string[] => {
    const prefix = `${mountKey(options.mountPrefix, 'models', folder, '')}/`;
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = store.list({ prefix, maxKeys: 1000, ...(token ? { continuationToken: token } : {}) });
      for (const object of page.contents) names.push(object.key.slice(prefix.length));
      token = page.isTruncated ? page.nextContinuationToken : undefined;
    } while (token);
    return names.filter((name) => name !== '' && !name.endsWith('/'));
  };

  const systemStats = (): unknown => ({
    system: {
      os: 'posix',
      ram_total: 68719476736,
      ram_free: 51539607552,
      comfyui_version: '0.3.65',
      required_frontend_version: '1.27.10',
      python_version: '3.11.9 (main) [GCC 11.4.0]',
      pytorch_version: '2.5.1+cu124',
      embedded_python: false,
      argv: ['main.py', '--listen', '0.0.0.0', '--port', '8000'],
      uptime_seconds: Math.floor((now() - startedAt) / 1000),
    },
    devices: [
      {
        name: 'cuda:0 NVIDIA A10 : cudaMallocAsync',
        type: 'cuda',
        index: 0,
        vram_total: 23827431424,
        vram_free: 22548578304,
        torch_vram_total: 0,
        torch_vram_free: 0,
      },
    ],
  });

  const view = (res: ServerResponse, url: URL, req: IncomingMessage): void => {
    const filename = url.searchParams.get('filename') ?? '';
    const subfolder = url.searchParams.get('subfolder') ?? '';
    const type = url.searchParams.get('type') || 'output';
    if (filename === '' || unsafeName(filename) || !['output', 'input', 'temp'].includes(type))
      return sendEmpty(res, 400);
    if (unsafeName(subfolder)) return sendEmpty(res, 403);
    const object = store.get(mountKey(options.mountPrefix, type, subfolder, filename));
    if (!object) return sendEmpty(res, 404);
    const headers = {
      'Content-Type': contentTypeFor(filename),
      'Content-Disposition': `filename="${filename.replace(/"/g, '')}"`,
      ETag: object.etag,
      'Last-Modified': object.lastModified.toUTCString(),
      'Accept-Ranges': 'bytes',
    };
    if (req.headers['if-none-match'] === object.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const range = byteRange(req.headers.range, object.size);
    const body = range ? object.bytes.subarray(range.start, range.end + 1) : object.bytes;
    res.writeHead(range ? 206 : 200, {
      ...headers,
      'Content-Length': String(body.length),
      ...(range ? { 'Content-Range': `bytes ${range.start}-${range.end}/${object.size}` } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const upload = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let parts;
    try {
      parts = parseMultipart(await readBody(req), req.headers['content-type']);
    } catch (error) {
      if (error instanceof MultipartError || error instanceof BodyError) return sendEmpty(res, 400);
      throw error;
    }
    const field = (name: string): string | undefined => parts.find((p) => p.name === name)?.data.toString('utf8');
    const image = parts.find((p) => p.name === 'image' && p.filename !== undefined);
    const type = field('type') || 'input';
    const subfolder = field('subfolder') ?? '';
    if (
      !image?.filename ||
      unsafeName(image.filename) ||
      unsafeName(subfolder) ||
      !['input', 'temp', 'output'].includes(type)
    ) {
      return sendEmpty(res, 400);
    }
    let name = image.filename;
    if (field('overwrite') !== 'true' && field('overwrite') !== '1') {
      // like ComfyUI: a different file with a taken name gets " (n)" before its extension
      const dot = name.lastIndexOf('.');
      const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
      for (let i = 1; ; i += 1) {
        const existing = store.get(mountKey(options.mountPrefix, type, subfolder, name));
        if (!existing || existing.bytes.equals(image.data)) break;
        name = `${stem} (${i})${extension}`;
      }
    }
    store.put(mountKey(options.mountPrefix, type, subfolder, name), image.data, contentTypeFor(name));
    sendJson(res, 200, { name, subfolder, type });
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.startsWith('/api/') ? url.pathname.slice(4) : url.pathname;
    const method = req.method ?? 'GET';
    const readJson = async (): Promise<{ ok: true; value: unknown } | { ok: false }> => parseJson(await readBody(req));

    if (method === 'GET' && path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>ComfyUI</title><p>ArtLab simulator: ComfyUI API</p>');
    } else if (method === 'POST' && path === '/prompt') {
      const body = await readJson();
      if (!body.ok) return sendInternalError(res);
      const reply = queue.submit(body.value);
      if (reply.status === 500) sendInternalError(res);
      else sendJson(res, reply.status, reply.json);
    } else if (method === 'GET' && path === '/prompt') {
      sendJson(res, 200, { exec_info: { queue_remaining: queue.remaining } });
    } else if (method === 'GET' && path === '/queue') {
      sendJson(res, 200, queue.queue());
    } else if (method === 'POST' && path === '/queue') {
      const body = await readJson();
      const request = body.ok ? QueueRequest.safeParse(body.value) : undefined;
      if (!request?.success) return sendInternalError(res);
      if (request.data.clear) queue.clearPending();
      if (request.data.delete) queue.deletePending(request.data.delete);
      sendEmpty(res, 200);
    } else if (method === 'POST' && path === '/interrupt') {
      const raw = await readBody(req);
      const body = raw.length > 0 ? parseJson(raw) : { ok: true as const, value: {} };
      const request = body.ok ? InterruptRequest.safeParse(body.value) : undefined;
      queue.interrupt(request?.success ? request.data.prompt_id : undefined);
      sendEmpty(res, 200);
    } else if (method === 'GET' && path === '/history') {
      const maxItems = url.searchParams.get('max_items');
      const offset = url.searchParams.get('offset');
      sendJson(
        res,
        200,
        queue.history(maxItems ? Number(maxItems) : undefined, offset !== null ? Number(offset) : undefined),
      );
    } else if (method === 'GET' && path.startsWith('/history/')) {
      sendJson(res, 200, queue.historyOf(decodeURIComponent(path.slice('/history/'.length))));
    } else if (method === 'POST' && path === '/history') {
      const body = await readJson();
      const request = body.ok ? QueueRequest.safeParse(body.value) : undefined;
      if (!request?.success) return sendInternalError(res);
      if (request.data.clear) queue.clearHistory();
      if (request.data.delete) queue.deleteHistory(request.data.delete);
      sendEmpty(res, 200);
    } else if ((method === 'GET' || method === 'HEAD') && path === '/view') {
      view(res, url, req);
    } else if (method === 'GET' && path === '/system_stats') {
      sendJson(res, 200, systemStats());
    } else if (method === 'GET' && path === '/features') {
      sendJson(res, 200, serverFeatures());
    } else if (method === 'GET' && (path === '/object_info' || path.startsWith('/object_info/'))) {
      const body = objectInfoJson(path === '/object_info' ? undefined : decodeURIComponent(path.slice(13)), {
        checkpoints: mountedModels('checkpoints'),
      });
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(body);
    } else if (method === 'POST' && path === '/upload/image') {
      await upload(req, res);
    } else {
      sendText(res, 404, '404: Not Found');
    }
  };

  let stopped = false;
  const server = createServer((req, res) => {
    const handle = async (): Promise<void> => {
      if (faults && (await faults.beforeHttpReply(req, res))) return;
      if (token !== undefined && req.headers.authorization !== token) {
        return sendText(res, 401, 'Unauthorized: the Authorization header must carry the service token.');
      }
      // The gateway with no instance behind it (reference/eas-control.md §4: 503 "no healthy upstream").
      if (stopped) return sendText(res, 503, 'no healthy upstream');
      if (foreignOrigin(req)) return sendEmpty(res, 403);
      await route(req, res);
    };
    handle().catch(() => {
      if (!res.headersSent) sendInternalError(res);
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the socket over without an error listener: a refused client that resets its connection would
    // otherwise throw ECONNRESET out of the simulator (ws adds its own once it takes the socket).
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refuse = (status: number, reason: string): void => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (url.pathname !== '/ws' && url.pathname !== '/api/ws') return refuse(404, 'Not Found');
    if (token !== undefined && req.headers.authorization !== token) return refuse(401, 'Unauthorized');
    if (stopped) return refuse(503, 'Service Unavailable');
    if (foreignOrigin(req)) return refuse(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const clientId = url.searchParams.get('clientId') || randomUUID().replace(/-/g, '');
      hub.add(clientId, ws);
      hub.send('status', { ...queue.statusData(), sid: clientId }, clientId);
      // a client that announces its feature flags first gets the server's in return
      ws.once('message', (raw: Buffer, isBinary: boolean) => {
        if (isBinary) return;
        const message = parseJson(raw);
        const flags = message.ok ? FeatureFlagsMessage.safeParse(message.value) : undefined;
        if (flags?.success) {
          hub.setPreviewMetadata(clientId, flags.data.data.supports_preview_metadata === true);
          hub.send('feature_flags', serverFeatures(), clientId);
        }
      });
    });
  });

  const listener = await RestartableListener.start(server, options.port ?? 0);
  return {
    url: `http://127.0.0.1:${listener.port}/`,
    port: listener.port,
    queue,
    socketCount: () => hub.size,
    setToken(next) {
      token = next;
    },
    async setStopped(stop) {
      if (stop === stopped) return;
      stopped = stop;
      if (!stop) return;
      hub.terminateAll();
      await queue.forget();
    },
    async close() {
      hub.terminateAll();
      await queue.close();
      wss.close();
      await listener.close();
    },
    async simulateRestart(downMs, restart = {}) {
      hub.terminateAll();
      if (restart.loseState) await queue.forget();
      await listener.simulateRestart(downMs);
    },
  };
}
