// Sends what the shell does to the test as it happens, over the child's IPC channel (absent when run by hand).
import type { ChildMessage } from './messages';

export function record(kind: string, detail?: unknown): void {
  send({ type: 'record', record: detail === undefined ? { kind } : { kind, detail } });
}

export function send(message: ChildMessage): void {
  process.send?.(message);
}

/** Electron's app.quit() ends the process; records still in the IPC pipe must reach the test first. */
export function exitAfterFlush(code: number): void {
  if (!process.send) process.exit(code);
  process.send({ type: 'record', record: { kind: 'process.exit', detail: { code } } }, () => process.exit(code));
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`The electron stand-in needs ${name}.`);
  return value;
}
