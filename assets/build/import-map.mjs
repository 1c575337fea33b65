// The folder-level import picture of main/ and preload/: for each room, which rooms it imports and how many import
// statements point there. A room is a first-level folder (main/ledger, preload/schemas) or a top-level file
// (main/studio.ts), because those files belong to different layers. The layering itself is enforced by ESLint
// (eslint-plugin-boundaries in eslint.config.js); this is the map a reader checks it against.
//   npm run imports
// Imports are read by TypeScript's own pre-processor, so strings and comments that look like imports do not count.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '../..');
const sourceTops = ['main', 'preload'];
const sourceFile = /\.(ts|tsx|mts|mjs)$/;

function* filesUnder(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (sourceFile.test(entry.name)) yield path;
  }
}

function toPosix(path) {
  return path.split(sep).join('/');
}

// main/ledger/ledger.ts -> main/ledger; main/studio.ts -> main/studio.ts; renderer/pages/x.tsx -> renderer.
function roomOf(repoPath) {
  const parts = repoPath.split('/');
  if (parts[0] === 'renderer' || parts.length === 1) return parts[0];
  if (parts[0] === 'test') return parts.length > 2 ? `test/${parts[1]}` : 'test';
  return parts.length === 2 ? repoPath : `${parts[0]}/${parts[1]}`;
}

// Imports are extensionless: the same lookup the bundler does (file.ts, file.tsx, folder/index.ts), enough to name the
// room; a specifier that finds no file keeps its own path.
function targetOf(fromFile, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(fromFile), specifier);
  const found = ['', '.ts', '.tsx', '.mts', '.mjs', '/index.ts'].map((suffix) => base + suffix).find(isFile);
  return roomOf(toPosix(relative(root, found ?? base)));
}

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const picture = new Map();
for (const top of sourceTops) {
  for (const file of filesUnder(join(root, top))) {
    const from = roomOf(toPosix(relative(root, file)));
    const counts = picture.get(from) ?? new Map();
    picture.set(from, counts);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      const to = targetOf(file, fileName);
      if (to && to !== from) counts.set(to, (counts.get(to) ?? 0) + 1);
    }
  }
}

const width = Math.max(...[...picture.keys()].map((room) => room.length));
for (const from of [...picture.keys()].sort()) {
  const targets = [...picture.get(from)].sort(([a], [b]) => a.localeCompare(b));
  const list = targets.map(([to, count]) => `${to} ${count}`).join(', ');
  console.log(`${from.padEnd(width)}  -> ${list || '(nothing local)'}`);
}
