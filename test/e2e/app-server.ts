// Started by the end-to-end global setup as a child process (tsx): the simulator (both editions and their OSS
// bucket) and a Studio with a fresh data directory, served over the browser bridge. Prints one JSON line
// {url, sim} and serves until killed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serveStudioInBrowser } from '../../main/browser/serve-studio';
import { startSimulator } from '../sim/index';

// `--data-dir DIR`: a spec's own app on a prepared folder (e.g. a damaged settings file), removed on stop like ours.
// `--placement-ms N`: how long the simulated EAS takes to place an instance on a start (a start seen waiting).
// `--step-ms N`: how long each sampler step takes (a batch seen running).
const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, 'placement-ms': { type: 'string' }, 'step-ms': { type: 'string' } },
});
const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'artlab-e2e-'));
const placementMs = values['placement-ms'] === undefined ? undefined : Number(values['placement-ms']);
const stepMs = values['step-ms'] === undefined ? undefined : Number(values['step-ms']);
const sim = await startSimulator({
  ...(placementMs === undefined ? {} : { controlDelays: { placementMs, stopMs: 50, removalMs: 20 } }),
  ...(stepMs === undefined ? {} : { stepMs }),
});
const served = await serveStudioInBrowser({
  dataDir,
  rendererDir: resolve(import.meta.dirname, '../../out/renderer'),
  // The simulator's EAS control API (plain http on loopback), so the Services page can start, stop and scale.
  controlEndpoint: () => ({ endpoint: sim.info.control.endpoint, protocol: 'http' }),
  // Warnings and errors only: a test run's output is its results, with what went wrong beside them.
  writeLog: (line, level) => {
    if (level !== 'info') process.stderr.write(`${line}\n`);
  },
});
process.stdout.write(`${JSON.stringify({ url: served.bridge.url, sim: sim.info })}\n`);

const stop = () => {
  void Promise.allSettled([served.close(), sim.close()]).finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
