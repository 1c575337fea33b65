// Started by the end-to-end global setup as a child process (tsx): a Studio with a fresh data directory, served over
// the browser bridge. Prints one JSON line {url} and serves until killed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serveStudioInBrowser } from '../../main/browser/serve-studio';

const dataDir = mkdtempSync(join(tmpdir(), 'artlab-e2e-'));
const served = await serveStudioInBrowser({ dataDir, rendererDir: resolve(import.meta.dirname, '../../out/renderer') });
process.stdout.write(`${JSON.stringify({ url: served.bridge.url })}\n`);

const stop = () => {
  void served.close().finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
