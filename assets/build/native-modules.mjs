// better-sqlite3 is a native module: one build serves either Node's ABI or Electron's, never both. `npm start` and the
// Electron demo need Electron's; tests, the CLI and the browser demo need Node's. This script makes the installed
// build match the runtime about to start, and does nothing when it already does (a marker records which one was built
// last, since an Electron build cannot be test-loaded from Node).
// The project's .npmrc turns install scripts off, so a fresh `npm install` leaves better-sqlite3 unbuilt: the first
// `npm test`, `npm run cli`, `npm run bench` or demo builds it here (its own install script: a prebuilt binary when one
// can be downloaded, otherwise a compile from source).
//   node assets/build/native-modules.mjs node       → ensure Node's ABI (rebuilds if needed)
//   node assets/build/native-modules.mjs electron   → ensure Electron's ABI (electron-builder install-app-deps)
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { rebuildReason } from './native-load-error.mjs';

const root = join(import.meta.dirname, '../..');
const marker = join(root, 'node_modules/.artlab-native-target');
const require = createRequire(import.meta.url);
const target = process.argv[2];

/** undefined when better-sqlite3 loads in this Node; otherwise why it must be built. */
function whyRebuildForNode() {
  try {
    const Database = require('better-sqlite3');
    new Database(':memory:').close();
    return undefined;
  } catch (error) {
    const reason = rebuildReason(error);
    if (reason === undefined) throw error;
    return reason;
  }
}

// The build's output goes to stderr: the commands this runs before (`npm run -s cli -- … --json`, the demo's --json)
// keep stdout for their JSON.
function run(command) {
  console.error(`> ${command}`);
  execSync(command, { cwd: root, stdio: ['ignore', 2, 2] });
}

if (target === 'node') {
  const reason = whyRebuildForNode();
  if (reason !== undefined) {
    console.error(`better-sqlite3 is ${reason}; building it for Node (a few minutes, once)…`);
    // --ignore-scripts=false: the build is better-sqlite3's install script, which the project's .npmrc turns off.
    run('npm rebuild better-sqlite3 --ignore-scripts=false');
  }
  writeFileSync(marker, 'node');
} else if (target === 'electron') {
  const electronVersion = require('electron/package.json').version;
  const wanted = `electron ${electronVersion}`;
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== wanted) {
    run('npx electron-builder install-app-deps');
    writeFileSync(marker, wanted);
  }
} else {
  console.error('usage: node assets/build/native-modules.mjs node|electron');
  process.exit(2);
}
