// `npm run demo`: the app with no cloud account. Starts the simulator (both editions and their OSS bucket) and the
// app with the simulator's two services already added. `--browser` serves it to a local browser through the bridge
// and prints the URL; otherwise it starts Electron, which adds the same services itself (ARTLAB_DEMO_SERVICES).
// Data lives in a throw-away folder, removed when the demo ends (Ctrl+C included), unless --data-dir is given.
// With --json, stdout carries exactly one line of JSON; everything else goes to stderr.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from './index';
import { addDemoServices, demoServiceInputs } from '../../main/browser/demo-services';
import { serveStudioInBrowser } from '../../main/browser/serve-studio';

const { values } = parseArgs({
  options: {
    browser: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
    // Progress is visible: each sampler step takes this long in the simulated ComfyUI.
    'step-ms': { type: 'string', default: '150' },
    workers: { type: 'string', default: '3' },
  },
});

const root = resolve(import.meta.dirname, '../..');

/** The database's native module is built for one runtime at a time: match it to the one about to start. */
function ensureNativeModules(runtime: 'node' | 'electron'): void {
  execFileSync(process.execPath, [join(root, 'assets/build/native-modules.mjs'), runtime], {
    stdio: ['ignore', 2, 2],
  });
}

if (!values.browser) {
  // Electron's binary is fetched on first use; when it cannot be, the helper has said why and what to do.
  try {
    execFileSync(process.execPath, [join(root, 'assets/build/electron-binary.mjs')], { stdio: 'inherit' });
  } catch {
    process.exit(1);
  }
}

const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'artlab-demo-'));
if (values['data-dir'] === undefined) {
  // Every way out passes here (Ctrl+C and SIGTERM end through process.exit below), after the app closed its files.
  process.on('exit', () => rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 }));
}
const sim = await startSimulator({ stepMs: Number(values['step-ms']), workers: Number(values.workers) });
const services = demoServiceInputs(sim.info);

let stopping = false;
function stopOn(close: () => Promise<void>): void {
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([close(), sim.close()]).finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (values.browser) {
  ensureNativeModules('node');
  const served = await serveStudioInBrowser({
    dataDir,
    rendererDir: join(root, 'out/renderer'),
    port: Number(values.port),
    version: process.env.npm_package_version,
    controlEndpoint: () => ({ endpoint: sim.info.control.endpoint, protocol: 'http' }),
  });
  await addDemoServices(served.studio.handlers, services);
  if (values.json) process.stdout.write(`${JSON.stringify({ url: served.bridge.url, dataDir, sim: sim.info })}\n`);
  else
    process.stdout.write(
      `ArtLab Desktop (demo) is at\n  ${served.bridge.url}\n` +
        `Simulated services: Exclusive ${sim.info.exclusive.url}, API edition ${sim.info.queue.url}\n` +
        `Data: ${dataDir}\nPress Ctrl+C to stop.\n`,
    );
  stopOn(() => served.close());
} else {
  ensureNativeModules('electron');
  process.stdout.write(`ArtLab Desktop (demo) is starting.\nData: ${dataDir}\nPress Ctrl+C to stop.\n`);
  const electron = spawn(join(root, 'node_modules/.bin/electron'), [root], {
    stdio: 'inherit',
    env: { ...process.env, ARTLAB_DEMO_DATA_DIR: dataDir, ARTLAB_DEMO_SERVICES: JSON.stringify(services) },
    shell: process.platform === 'win32',
  });
  stopOn(async () => {
    if (electron.exitCode === null) {
      electron.kill('SIGTERM');
      await new Promise((done) => electron.once('exit', done));
    }
  });
  electron.on('exit', (code) => {
    if (stopping) return;
    stopping = true;
    void sim.close().finally(() => process.exit(code ?? 0));
  });
}
