// The DiagnosticsHost port: what exporting diagnostics needs from the shell. Electron asks where to save with a
// dialog and opens folders in the file manager (main/electron/diagnostics-host.ts); Node saves into the data folder.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiagnosticsHost {
  /** The folder the app's log files are written to. */
  readonly logsDir: string;
  /** Runtime versions worth reporting (Electron, Chromium, Node, V8...). */
  readonly versions: Readonly<Record<string, string>>;
  /** Where to save a file named `defaultName`; null when the artist cancelled. */
  chooseSavePath(defaultName: string): Promise<string | null>;
  /** Opens a folder in the system's file manager; false where that is not possible. */
  openFolder(path: string): Promise<boolean>;
}

/** Node (browser demo, tests): no dialog, no file manager; bundles go to `<dataDir>/diagnostics/`. */
export function nodeDiagnosticsHost(dataDir: string, logsDir = join(dataDir, 'logs')): DiagnosticsHost {
  return {
    logsDir,
    versions: { node: process.versions.node, v8: process.versions.v8 },
    async chooseSavePath(defaultName) {
      const folder = join(dataDir, 'diagnostics');
      await mkdir(folder, { recursive: true });
      return join(folder, defaultName);
    },
    openFolder: () => Promise.resolve(false),
  };
}
