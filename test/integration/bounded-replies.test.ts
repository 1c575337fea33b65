// Every reply from a service is bounded in size and in time (DESIGN.md rule 8), checked against hostile loopback
// servers: a reply that never ends, a Content-Length of gigabytes, a body that trickles a byte a second while the
// garbage collector runs.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { ExclusiveClient } from '../../main/editions/exclusive/exclusive-client';
import { HttpClient } from '../../main/editions/http';
import { QueueClient } from '../../main/editions/queue/queue-client';
import { ServiceError, TimeoutError, TooLargeError } from '../../main/errors';
import { HostileServer, type HostileHandler } from './support/hostile/hostile-http';

// The garbage collector on demand, inside this test process: what `node --expose-gc` gives.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function hostile(handler: HostileHandler): Promise<HostileServer> {
  const server = await HostileServer.start(handler);
  cleanups.push(() => server.close());
  return server;
}

function client(server: HostileServer, options: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  const http = new HttpClient({ baseUrl: server.url, label: 'the service “x”', ...options });
  cleanups.push(() => http.close());
  return http;
}

/** A JSON-looking reply with no Content-Length that goes on (up to 64 MiB, so an unbounded reader still ends). */
const endless: HostileHandler = (_req, res, server) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  server.stream(res, Buffer.alloc(64 * 1024, 0x20), 0, 64 * MiB);
};

describe('reply size', () => {
  it('stops reading a reply past the cap and names the service and the call', async () => {
    const server = await hostile(endless);
    const http = client(server, { maxReplyBytes: MiB });
    const error: unknown = await http.request({ path: 'history/abc' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooLargeError);
    expect((error as Error).message).toContain('the service “x” sent more than 1 MiB for /history/abc');
    expect(server.sent).toBeLessThan(32 * MiB);
  });

  it('refuses a Content-Length above the cap before reading the body', async () => {
    const server = await hostile((_req, res) => {
      // Declares 3 GB, sends a little, then holds the socket open
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(3 * 1024 ** 3) });
      res.write('{"a":');
    });
    const http = client(server, { timeoutMs: 10_000 });
    await expect(http.request({ path: 'history/abc' })).rejects.toThrow(TooLargeError);
  });

  it('takes a per-request cap over the client default', async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ text: 'x'.repeat(4096) }));
    });
    const http = client(server);
    await expect(http.request({ path: 'object_info', maxBytes: 1024 })).rejects.toThrow(/more than 1 KiB/);
    await expect(http.request({ path: 'object_info' })).resolves.toMatchObject({ status: 200 });
  });

  it('excerpts a huge error page without reading it whole', async () => {
    const server = await hostile((_req, res, self) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      self.stream(res, Buffer.alloc(64 * 1024, 0x61), 0, 64 * MiB);
    });
    const http = client(server);
    const error: unknown = await http.request({ path: 'prompt' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).status).toBe(500);
    expect(server.sent).toBeLessThan(32 * MiB);
  });

  it('caps the replies of the EAS queue client', async () => {
    const server = await hostile(endless);
    const http = client(server, { maxReplyBytes: MiB });
    const queue = new QueueClient({ http, queue: 'svc', uid: 'u' });
    await expect(queue.attributes()).rejects.toThrow(/sent more than 1 MiB for \/svc/);
  });

  it('caps the Exclusive client’s /history reply and the client goes on working', async () => {
    const server = await hostile((req, res, self) => {
      if (req.url?.startsWith('/history/')) return endless(req, res, self);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ queue_running: [], queue_pending: [] }));
    });
    const exclusive = new ExclusiveClient({ url: server.url, label: 'the service “x”', progressSocket: false });
    cleanups.push(() => exclusive.close());
    await expect(exclusive.lookup('p1')).rejects.toThrow(/the service “x” sent more than 8 MiB for \/history\/p1/);
  });
});

describe('reply time', () => {
  it('fails a call whose body trickles a byte a second, even after garbage collections', async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      server.stream(res, Buffer.from(' '), 1000);
    });
    const http = client(server, { timeoutMs: 1500 });
    // A caller signal that never aborts: the composite-signal path that loses its timeout on Node 20
    const caller = new AbortController();
    const call = http.request({ path: 'history/abc', signal: caller.signal });
    const collector = setInterval(gc, 100);
    try {
      await expect(call).rejects.toThrow(TimeoutError);
    } finally {
      clearInterval(collector);
    }
  }, 20_000);

  it('gives the caller’s own abort, not a timeout, when the caller cancels', async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      server.stream(res, Buffer.from(' '), 1000);
    });
    const http = client(server, { timeoutMs: 60_000 });
    const caller = new AbortController();
    const call = http.request({ path: 'history/abc', signal: caller.signal });
    caller.abort(new Error('the client was closed'));
    await expect(call).rejects.toThrow('the client was closed');
  });
});
