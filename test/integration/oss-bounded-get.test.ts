// OSS downloads are bounded (DESIGN.md rule 8), checked against a hostile loopback OSS endpoint: a body that stops
// is an idle timeout (the SDK's own timeout ends once headers arrive), and an object over the cap is refused from its
// HEAD before a byte of it is fetched.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TimeoutError, TooLargeError } from '../../main/errors';
import { OssImageSource } from '../../main/oss/oss-image-source';
import { HostileServer, type HostileHandler } from './support/hostile/hostile-http';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(
  size: number,
  handler: HostileHandler,
  options: { idleTimeoutMs?: number; maxObjectBytes?: number },
) {
  const server = await HostileServer.start((req, res, self) => {
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-length': String(size), etag: '"e1"', 'content-type': 'image/png' });
      return void res.end();
    }
    handler(req, res, self);
  });
  cleanups.push(() => server.close());
  const folder = mkdtempSync(join(tmpdir(), 'artlab-oss-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  const source = new OssImageSource({
    storagePath: 'oss://artlab-out/data-xyz/',
    endpoint: server.url.replace(/\/$/, ''),
    region: 'cn-shanghai',
    accessKeyId: 'LTAI5tHostileTest',
    accessKeySecret: 'hostile-secret-0123456789abcdef',
    timeoutMs: 60_000,
    ...options,
  });
  cleanups.push(() => source.close());
  return { server, source, destination: join(folder, 'a.png') };
}

describe('OSS get bounds', () => {
  it('fails a body that stops arriving with an idle timeout', async () => {
    const size = 256 * 1024;
    const { source, destination } = await rig(
      size,
      (_req, res) => {
        res.writeHead(200, { 'content-length': String(size), etag: '"e1"' });
        res.write(Buffer.alloc(32 * 1024)); // and nothing more
      },
      { idleTimeoutMs: 300 },
    );
    const error: unknown = await source.get({ filename: 'a.png' }, destination).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('OSS stopped sending the image');
    expect(existsSync(destination)).toBe(false);
  });

  it('refuses an object over the cap from its HEAD, without fetching it', async () => {
    const { source, destination, server } = await rig(
      3 * 1024 ** 3,
      (_req, res) => {
        res.writeHead(500);
        res.end();
      },
      { maxObjectBytes: 1024 * 1024 },
    );
    await expect(source.get({ filename: 'a.png' }, destination)).rejects.toThrow(TooLargeError);
    expect(server.requests.map((req) => req.method)).toEqual(['HEAD']);
  });
});
