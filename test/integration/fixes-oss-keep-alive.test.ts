// Kept-alive OSS sockets: the pool closes an idle socket before the server does, and a GET, HEAD or listing whose
// reused socket the server had just closed is sent once more on a fresh one instead of failing with ECONNRESET.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OssImageSource } from '../../main/oss/oss-image-source';
import { isStaleSocketReset } from '../../main/oss/oss-sockets';

const BODY = Buffer.from('png bytes');
const KEY = 'data-xyz/output/ComfyUI_00001_.png';

interface Bucket {
  server: Server;
  endpoint: string;
  sockets: Socket[];
  /** Requests the server answered by closing the connection. */
  resets: number;
}

const LIST_XML = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult><Name>artlab-out</Name><Prefix>data-xyz/output/</Prefix><MaxKeys>1000</MaxKeys><KeyCount>1</KeyCount>
<IsTruncated>false</IsTruncated><Contents><Key>${KEY}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>
<ETag>"e1"</ETag><Size>${BODY.length}</Size><StorageClass>Standard</StorageClass></Contents></ListBucketResult>`;

/** A bucket of one object; `resetReused` closes a connection when its second request arrives. */
async function startBucket(resetReused: boolean): Promise<Bucket> {
  const served = new WeakMap<Socket, number>();
  const bucket: Bucket = { server: createServer(), endpoint: '', sockets: [], resets: 0 };
  bucket.server.keepAliveTimeout = 60_000; // as OSS: longer than the client's idle timeout
  bucket.server.on('connection', (socket: Socket) => bucket.sockets.push(socket));
  bucket.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const count = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, count);
    if (resetReused && count > 1) {
      bucket.resets += 1;
      req.socket.destroy();
      return;
    }
    const headers = { 'content-length': String(BODY.length), etag: '"e1"', 'content-type': 'image/png' };
    if (req.url?.includes('list-type=2') === true) {
      res.writeHead(200, { 'content-type': 'application/xml' }).end(LIST_XML);
    } else if (req.method === 'HEAD') {
      res.writeHead(200, headers).end();
    } else {
      res.writeHead(200, headers).end(BODY);
    }
  });
  bucket.server.listen(0, '127.0.0.1');
  await once(bucket.server, 'listening');
  bucket.endpoint = `http://127.0.0.1:${(bucket.server.address() as AddressInfo).port}`;
  return bucket;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(resetReused: boolean, idleSocketTimeoutMs?: number) {
  const bucket = await startBucket(resetReused);
  cleanups.push(async () => {
    bucket.server.closeAllConnections();
    bucket.server.close();
    await once(bucket.server, 'close');
  });
  const source = new OssImageSource({
    storagePath: 'oss://artlab-out/data-xyz/',
    endpoint: bucket.endpoint,
    accessKeyId: 'LTAI5tKeepAlive',
    accessKeySecret: 'keep-alive-secret-0123456789',
    ...(idleSocketTimeoutMs !== undefined ? { idleSocketTimeoutMs } : {}),
  });
  cleanups.push(() => source.close());
  return { bucket, source };
}

describe('OSS keep-alive sockets', () => {
  it('sends a HEAD, a listing and a GET again when the server closed the reused socket as it was reused', async () => {
    const { bucket, source } = await rig(true);
    const dir = await mkdtemp(join(tmpdir(), 'artlab-keep-alive-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));

    expect(await source.head({ filename: 'ComfyUI_00001_.png' })).toMatchObject({ key: KEY, size: BODY.length });
    const page = await source.listPage({ recursive: true });
    expect(page.files.map((file) => file.key)).toEqual([KEY]);
    const destination = join(dir, 'ComfyUI_00001_.png');
    await source.get({ filename: 'ComfyUI_00001_.png' }, destination);
    expect(await readFile(destination)).toEqual(BODY);

    // head, then list / head / GET each first on the pooled socket (reset) and then on a fresh one
    expect(bucket.resets).toBe(3);
    expect(bucket.sockets).toHaveLength(4);
  });

  it('closes an idle pooled socket itself, before the server would, and opens a new one for the next request', async () => {
    const { bucket, source } = await rig(false, 100);
    await source.head({ filename: 'ComfyUI_00001_.png' });
    const [first] = bucket.sockets;
    if (first === undefined) throw new Error('no connection');
    // The server keeps idle connections for 60 s: this close comes from the client's pool.
    await once(first, 'close');
    await source.head({ filename: 'ComfyUI_00001_.png' });
    expect(bucket.sockets).toHaveLength(2);
  });

  it('tells a reset on a reused socket from other network failures', () => {
    const reused = ', GET http://x/ -1 (connected: true, keepalive socket: true, socketHandledRequests: 2)';
    const fresh = ', GET http://x/ -1 (connected: true, keepalive socket: false, socketHandledRequests: 1)';
    expect(isStaleSocketReset({ status: -1, message: `socket hang up${reused}` })).toBe(true);
    expect(isStaleSocketReset({ status: -1, message: `write EPIPE${reused}` })).toBe(true);
    expect(isStaleSocketReset({ status: -1, message: `socket hang up${fresh}` })).toBe(false);
    expect(isStaleSocketReset({ status: -1, message: `connect ECONNREFUSED${reused}` })).toBe(false);
    expect(isStaleSocketReset({ status: 500, message: `socket hang up${reused}` })).toBe(false);
  });
});
