// "Export diagnostics" and "Open logs folder". The bundle is what support needs to help an artist: the logs, the
// versions, the services' health and the settings — every text passed through redact() on the way in, because a
// log line written before a secret was registered, or a URL pasted with a token in it, must not leave the machine.
import { open, readdir, rename, writeFile, mkdir } from 'node:fs/promises';
import { arch, release } from 'node:os';
import { basename, join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import type { MethodResult } from '../../preload/contract';
import type { Clock } from '../adapters';
import { StorageError } from '../errors';
import { redact } from '../log/redact';
import type { DiagnosticsHost } from './diagnostics-host';

/** The diagnostics domain as the contract's handlers (main/handlers/diagnostics.ts) use it. */
export interface DiagnosticsApi {
  /** Asks the shell where to save, then writes the redacted bundle there; `path: null` when cancelled. */
  exportBundle(): Promise<MethodResult<'diagnostics.export'>>;
  openLogs(): Promise<MethodResult<'diagnostics.openLogs'>>;
}

/** The newest part of each log is what explains a problem; older parts only make the bundle heavy. */
const MAX_LOG_BYTES = 4 * 1024 * 1024;

export interface DiagnosticsModuleOptions {
  host: DiagnosticsHost;
  clock: Clock;
  app: { name: string; version: string; platform: string; transport: string };
  /** Services with their last health, as the renderer sees them (no secrets by contract; redacted again here). */
  services: () => Promise<unknown>;
  settings: () => unknown;
}

export interface DiagnosticsModule extends DiagnosticsApi {
  /** Builds the zip in memory (exposed for tests and the CLI). */
  bundle(): Promise<Buffer>;
}

async function readTail(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, MAX_LOG_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    return size > length ? `[… ${size - length} earlier bytes left out]\n${text.slice(text.indexOf('\n') + 1)}` : text;
  } finally {
    await handle.close();
  }
}

// Zip entries carry DOS dates, which start in 1980, and fflate refuses years outside 1980–2099: a machine whose clock
// reads 1970 (a dead clock battery) must still be able to send its logs.
function zipEntryTime(ms: number): Date {
  const date = new Date(ms);
  const year = date.getFullYear();
  return year >= 1980 && year <= 2099 ? date : new Date(1980, 0, 1);
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export function createDiagnosticsModule(options: DiagnosticsModuleOptions): DiagnosticsModule {
  const { host, clock } = options;
  const json = (value: unknown) => Buffer.from(redact(JSON.stringify(value, null, 2)), 'utf8');

  /** The newest part of each log, by its name inside the bundle. */
  async function logFiles(): Promise<Zippable> {
    const files: Zippable = {};
    let names: string[];
    try {
      names = await readdir(host.logsDir);
    } catch {
      return files; // no log written yet
    }
    for (const name of names.filter((file) => file.endsWith('.log')).sort()) {
      const text = await readTail(join(host.logsDir, name));
      files[`logs/${basename(name)}`] = Buffer.from(redact(text), 'utf8');
    }
    return files;
  }

  async function bundle(): Promise<Buffer> {
    const now = clock.now();
    const modified = new Date(now);
    const services: unknown = await options.services().catch((error: unknown) => ({
      unavailable: error instanceof Error ? error.message : String(error),
    }));
    const versions = {
      app: options.app,
      os: { platform: process.platform, arch: arch(), release: release() },
      runtime: host.versions,
      createdAt: modified.toISOString(),
    };
    const readme =
      'ArtLab Desktop diagnostics.\n\nversions.json: app, OS and runtime versions\nservices.json: services and ' +
      'their last health check\nsettings.json: app settings\nlogs/: the newest part of each log\n\nTokens, ' +
      'AccessKey secrets and signatures are replaced by [redacted].\n';
    const zip = zipSync(
      {
        'README.txt': Buffer.from(readme),
        'versions.json': json(versions),
        'services.json': json(services),
        'settings.json': json(options.settings()),
        ...(await logFiles()),
      },
      { mtime: zipEntryTime(now) },
    );
    return Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  }

  const api: DiagnosticsApi = {
    exportBundle: async () => {
      const path = await host.chooseSavePath(`artlab-diagnostics-${stamp(clock.now())}.zip`);
      if (path === null) return { path: null };
      const data = await bundle();
      const partial = `${path}.partial`;
      try {
        await writeFile(partial, data);
        await rename(partial, path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
        throw new StorageError(
          `Could not save the diagnostics file (${code}). Choose another folder and try again.`,
        ).withCode('diagnostics-unsaved', { reason: code });
      }
      return { path };
    },
    openLogs: async () => {
      await mkdir(host.logsDir, { recursive: true });
      return { path: host.logsDir, opened: await host.openFolder(host.logsDir) };
    },
  };

  return { ...api, bundle };
}
