// Vitest's global setup: better-sqlite3 must be built for Node before any test opens a ledger. A fresh `npm install`
// leaves it unbuilt (the project's .npmrc turns install scripts off) and `npm start` rebuilds it for Electron, so
// `npx vitest run <file>` makes it match Node first, as `npm test` does. Nothing happens when it already matches.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function ensureNodeNativeModules(): void {
  const script = resolve(import.meta.dirname, '../../../assets/build/native-modules.mjs');
  execFileSync(process.execPath, [script, 'node'], { stdio: ['ignore', 2, 2] });
}
