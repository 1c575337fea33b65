// close() leaves nothing running: a process that used a watcher exits by itself once it is closed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('lets the process exit on its own after the watcher is closed', async () => {
  const probe = fileURLToPath(new URL('../unit/queue/exit-probe.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', probe], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  // If anything were left armed, the child would never exit: kill it after a generous delay and fail.
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(killer);
  expect(output.trim()).toBe('closed {"state":"stopped"}');
  expect(code).toBe(0);
}, 30_000);
