// A command that runs until it is interrupted (the simulator, the demo), started the way a terminal starts it: in a
// process group of its own, so an interrupt reaches every process of it (npm, the shell, node) as Ctrl+C does.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface LongRunningChild {
  child: ChildProcess;
  /** Resolves with the first complete line the command writes to stdout. */
  firstLine: Promise<string>;
  stdout: () => string;
  stderr: () => string;
  /** Sends `signal` to the whole group (Ctrl+C is SIGINT) and resolves with the exit code once every pipe closed. */
  interrupt: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export function startLongRunning(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): LongRunningChild {
  const windows = process.platform === 'win32';
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: !windows,
    shell: windows,
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = once(child, 'close') as Promise<[number | null]>;
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const end = stdout.indexOf('\n');
      if (end !== -1) resolve(stdout.slice(0, end));
    });
    void closed.then(([code]) =>
      reject(new Error(`exited with ${code} before a line on stdout\nstdout: ${stdout}\nstderr: ${stderr}`)),
    );
  });
  return {
    child,
    firstLine,
    stdout: () => stdout,
    stderr: () => stderr,
    interrupt: async (signal = 'SIGINT') => {
      if (child.exitCode === null && child.pid !== undefined) {
        if (windows) child.kill(signal);
        else {
          try {
            process.kill(-child.pid, signal);
          } catch {
            // The group is gone already: nothing left to interrupt.
          }
        }
      }
      const [code] = await closed;
      return code;
    },
  };
}
