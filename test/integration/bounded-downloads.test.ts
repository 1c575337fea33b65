// /view downloads against hostile loopback servers (DESIGN.md rule 8): a stall is an idle timeout with a clear
// message, a slow but steady transfer is never cut, a break resumes with Range where the server offers it and starts
// over where it does not, and a file over the size cap is refused without leaving anything behind.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadToFile, type DownloadRequest } from '../../main/editions/exclusive/download';
import { ServiceError, TimeoutError, TooLargeError } from '../../main/errors';
import { HostileServer, type HostileHandler } from './support/hostile/hostile-http';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const video = Buffer.from(Array.from({ length: 256 * 1024 }, (_, i) => (i * 7) % 251));

async function rig(handler: HostileHandler, options: Partial<DownloadRequest> = {}) {
  const server = await HostileServer.start(handler);
  const dispatcher = new Agent();
  const folder = mkdtempSync(join(tmpdir(), 'artlab-download-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  cleanups.push(() => dispatcher.destroy());
  cleanups.push(() => server.close());
  const destination = join(folder, 'clip.mp4');
  const run = (): Promise<void> =>
    downloadToFile({
      url: new URL('view?filename=clip.mp4', server.url),
      headers: {},
      dispatcher,
      destination,
      what: 'the video "clip.mp4"',
      label: 'the service “x”',
      statusError: (status, text) => new ServiceError(`HTTP ${status}: ${text}`, status),
      ...options,
    });
  return { server, destination, run };
}

/** Sends `body` from `start`, `chunk` bytes every `everyMs`; stops (socket left open) after `stallAfter` bytes. */
function send(res: ServerResponse, body: Buffer, start: number, chunk: number, everyMs: number, stallAfter = Infinity) {
  let at = start;
  const tick = (): void => {
    if (res.destroyed) return;
    if (at >= body.length) return void res.end();
    if (at - start >= stallAfter) return; // silent from here on
    const piece = body.subarray(at, at + chunk);
    at += piece.length;
    res.write(piece);
    setTimeout(tick, everyMs);
  };
  tick();
}

function rangeStart(req: IncomingMessage): number | undefined {
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  return match ? Number(match[1]) : undefined;
}

describe('downloads', () => {
  it('fails a stalled download with a timeout that says the service stopped sending', async () => {
    const { run, destination } = await rig(
      (_req, res) => {
        res.writeHead(200, { 'content-length': String(video.length) });
        send(res, video, 0, 16 * 1024, 0, 32 * 1024);
      },
      { idleTimeoutMs: 300, attempts: 1 },
    );
    const error: unknown = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('the service “x” stopped sending the video "clip.mp4"');
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(`${destination}.part`)).toBe(false);
  });

  it('keeps a slow but steady download going past any fixed total time', async () => {
    // 16 chunks, one every 100 ms: longer than the idle timeout in total, never idle that long
    const { run, destination } = await rig(
      (_req, res) => {
        res.writeHead(200, { 'content-length': String(video.length) });
        send(res, video, 0, 16 * 1024, 100);
      },
      { idleTimeoutMs: 700 },
    );
    await run();
    expect(readFileSync(destination).equals(video)).toBe(true);
  });

  it('resumes a broken download with Range where the server accepts ranges', async () => {
    const { run, destination, server } = await rig((req, res) => {
      const from = rangeStart(req);
      if (from === undefined) {
        res.writeHead(200, { 'content-length': String(video.length), 'accept-ranges': 'bytes', etag: '"v1"' });
        // Half, then the connection breaks
        res.write(video.subarray(0, video.length / 2), () => setTimeout(() => res.destroy(), 100));
        return;
      }
      res.writeHead(206, {
        'content-length': String(video.length - from),
        'content-range': `bytes ${from}-${video.length - 1}/${video.length}`,
        'accept-ranges': 'bytes',
        etag: '"v1"',
      });
      res.end(video.subarray(from));
    });
    await run();
    expect(readFileSync(destination).equals(video)).toBe(true);
    expect(server.requests).toHaveLength(2);
    // The tail from what reached the disk (some of the half sent may have been lost with the connection)
    const resumedAt = rangeStart(server.requests[1] as IncomingMessage) ?? 0;
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(video.length / 2);
    expect(server.requests[1]?.headers['if-range']).toBe('"v1"');
  });

  it('starts over when the server answers the Range with the whole file', async () => {
    const { run, destination, server } = await rig((req, res) => {
      res.writeHead(200, { 'content-length': String(video.length), 'accept-ranges': 'bytes', etag: '"v2"' });
      if (rangeStart(req) === undefined) {
        res.write(video.subarray(0, 64 * 1024), () => setTimeout(() => res.destroy(), 100));
        return;
      }
      res.end(video); // 200 to a Range request: the whole file, from the start
    });
    await run();
    expect(readFileSync(destination).equals(video)).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it('leaves starting over to the caller where the server offers no ranges', async () => {
    const { run, destination, server } = await rig((_req, res) => {
      res.writeHead(200, { 'content-length': String(video.length) });
      res.write(video.subarray(0, 1000), () => setTimeout(() => res.destroy(), 100));
    });
    await expect(run()).rejects.toThrow(/broke off|ended early/);
    expect(server.requests).toHaveLength(1);
    expect(existsSync(`${destination}.part`)).toBe(false);
  });

  it('refuses a file whose Content-Length is over the cap, leaving nothing behind', async () => {
    const { run, destination } = await rig(
      (_req, res) => {
        res.writeHead(200, { 'content-length': String(3 * 1024 ** 3) });
        res.write(video);
      },
      { maxBytes: 1024 * 1024 },
    );
    await expect(run()).rejects.toThrow(TooLargeError);
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(`${destination}.part`)).toBe(false);
  });

  it('stops a body without Content-Length once it passes the cap', async () => {
    const { run, destination, server } = await rig(
      (_req, res, self) => {
        res.writeHead(200, {});
        self.stream(res, video, 0, 64 * 1024 * 1024);
      },
      { maxBytes: 1024 * 1024 },
    );
    await expect(run()).rejects.toThrow(/sent more than 1 MiB for the video "clip.mp4"/);
    expect(existsSync(`${destination}.part`)).toBe(false);
    expect(server.sent).toBeLessThan(32 * 1024 * 1024);
  });
});
