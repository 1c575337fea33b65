// The throw-away data folder of a run without --data-dir holds `secret.key` and the sealed token: it is removed on
// every way out of the process — a normal end, an error, Ctrl+C, SIGTERM, an uncaught error, `process.exit` —
// through the one hook Node runs on all of them ('exit', where only synchronous work is possible).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDataDir {
  readonly path: string;
  /** Removes the folder now (idempotent). */
  remove(): void;
}

export function createTempDataDir(): TempDataDir {
  const path = mkdtempSync(join(tmpdir(), 'artlab-cli-'));
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    process.removeListener('exit', remove);
    try {
      rmSync(path, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Nothing else can be done on the way out; the folder is in the system's temp folder, which it cleans.
    }
  };
  process.on('exit', remove);
  return { path, remove };
}
