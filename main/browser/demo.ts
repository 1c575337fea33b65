// `npm run demo`: the app with no cloud account. `--browser` serves it to a local browser through the bridge and
// prints the URL; otherwise it starts Electron. Data lives in a throw-away folder unless --data-dir is given.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serveStudioInBrowser } from './serve-studio';

const { values } = parseArgs({
  options: {
    browser: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
  },
});

const root = resolve(import.meta.dirname, '../..');
const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'artlab-demo-'));

if (values.browser) {
  const served = await serveStudioInBrowser({
    dataDir,
    rendererDir: join(root, 'out/renderer'),
    port: Number(values.port),
    version: process.env.npm_package_version,
  });
  if (values.json) process.stdout.write(`${JSON.stringify({ url: served.bridge.url, dataDir })}\n`);
  else
    process.stdout.write(
      `ArtLab Desktop (demo) is at\n  ${served.bridge.url}\nData: ${dataDir}\nPress Ctrl+C to stop.\n`,
    );
  const stop = () => void served.close().finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  const electron = spawn(join(root, 'node_modules/.bin/electron'), [root], {
    stdio: 'inherit',
    env: { ...process.env, ARTLAB_DEMO_DATA_DIR: dataDir },
    shell: process.platform === 'win32',
  });
  electron.on('exit', (code) => process.exit(code ?? 0));
}
