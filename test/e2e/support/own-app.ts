// A spec's own app server and simulator (test/e2e/app-server.ts), for specs whose state must not reach the shared app.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { simulatorInfoSchema, type SimulatorInfo } from '../../sim/index';

export interface OwnApp {
  url: string;
  sim: SimulatorInfo;
  stop: () => Promise<void>;
}

/** A fresh data folder in the system's temporary directory; the app server removes it when stopped. */
export function ownDataDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `artlab-e2e-${name}-`));
}

/** Starts the app server on `dataDir` (fresh or prepared); `label` names it if it exits before it starts. */
export async function startOwnApp(dataDir: string, label: string, extraArgs: string[] = []): Promise<OwnApp> {
  const args = ['--import', 'tsx', 'test/e2e/app-server.ts', '--data-dir', dataDir, ...extraArgs];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((done) => child.once('exit', done));
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', () => reject(new Error(`The ${label} app server exited before it started`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  const parsed = z.object({ url: z.string(), sim: simulatorInfoSchema }).parse(JSON.parse(line));
  return {
    ...parsed,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
