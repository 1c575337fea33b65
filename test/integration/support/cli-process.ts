// `artlab` as a child process (the module entry under tsx), for the simulator tests and the peer suite.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Simulator } from '../../sim/index';

const cli = fileURLToPath(new URL('../../../main/cli/index.ts', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `artlab <args>` with the test's environment plus `env`, and resolves when it exits. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The CLI flags for the simulator's OSS output location; the key id and secret come from SIM_OSS_ID/SIM_OSS_SECRET. */
export function simOssFlags(sim: Simulator): string[] {
  const { oss } = sim.info;
  return ['--oss', `oss://${oss.bucket}/${oss.prefix}/`, '--oss-endpoint', oss.endpoint].concat([
    '--oss-key-id-env',
    'SIM_OSS_ID',
    '--oss-secret-env',
    'SIM_OSS_SECRET',
  ]);
}
