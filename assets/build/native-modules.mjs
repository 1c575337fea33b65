// better-sqlite3 is a native module: one build serves either Node's ABI or Electron's, never both. `npm start` and the
// Electron demo need Electron's; tests, the CLI and the browser demo need Node's. This script makes the installed
// build match the runtime about to start, and does nothing when it already does (a marker records which one was built
// last, since an Electron build cannot be test-loaded from Node).
//   node assets/build/native-modules.mjs node       → ensure Node's ABI (rebuilds from source if needed, offline)
//   node assets/build/native-modules.mjs electron   → ensure Electron's ABI (electron-builder install-app-deps)
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const marker = join(root, 'node_modules/.artlab-native-target');
const require = createRequire(import.meta.url);
const target = process.argv[2];

function loadsInNode() {
  try {
    const Database = require('better-sqlite3');
    new Database(':memory:').close();
    return true;
  } catch (error) {
    const text = String(error?.message ?? error);
    if (/NODE_MODULE_VERSION|ERR_DLOPEN_FAILED|invalid ELF|was compiled against/.test(text)) return false;
    throw error;
  }
}

function run(command) {
  console.error(`> ${command}`);
  execSync(command, { cwd: root, stdio: 'inherit' });
}

if (target === 'node') {
  if (!loadsInNode()) {
    console.error('better-sqlite3 is built for Electron; rebuilding it for Node (about 2 minutes)…');
    run('npm rebuild better-sqlite3');
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
