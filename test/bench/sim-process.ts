// The simulator in a process of its own, so its image synthesis does not share an event loop with the client being
// measured (as on a real deployment, where it is another machine). The parent learns where it listens and, for each
// API-edition sink frame, when it was put (wall clock, comparable across processes on one machine).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { simulatorInfoSchema, startSimulator, type SimulatorInfo, type SimulatorOptions } from '../sim/index';

const messageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('info'), info: simulatorInfoSchema }),
  z.object({ type: z.literal('put'), taskId: z.string(), at: z.number() }),
]);

export const wallClock = (): number => performance.timeOrigin + performance.now();

export interface SimulatorProcess {
  info: SimulatorInfo;
  /** Called with each sink frame's task_id and the wall-clock time it was put. */
  onSinkPut(listener: (taskId: string, at: number) => void): () => void;
  close(): Promise<void>;
}

export async function startSimulatorProcess(options: Partial<SimulatorOptions>): Promise<SimulatorProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const listeners = new Set<(taskId: string, at: number) => void>();
  const info = await new Promise<SimulatorInfo>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the simulator exited (${String(code)}) before it listened`)));
    child.on('message', (raw) => {
      const message = messageSchema.parse(raw);
      if (message.type === 'info') resolve(message.info);
      else for (const listener of listeners) listener(message.taskId, message.at);
    });
  });
  child.removeAllListeners('exit');
  return {
    info,
    onSinkPut(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function runChild(optionsJson: string): Promise<void> {
  const parsed: unknown = JSON.parse(optionsJson);
  const sim = await startSimulator(parsed as Partial<SimulatorOptions>);
  // The sink's put listeners run just before its pump hands the frame to the watcher (when its window has room).
  sim.queue.sink.onPut(() => {
    const item = sim.queue.sink.read(sim.queue.sink.lastIndex, 1, {})[0];
    const taskId = item?.tags.task_id;
    if (taskId !== undefined) process.send?.({ type: 'put', taskId, at: wallClock() });
  });
  process.send?.({ type: 'info', info: sim.info });
  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
}

if (process.argv[2] === '--child') await runChild(process.argv[3] ?? '{}');
