// The built main bundle running in a child Node process with the stand-in `electron`: its records as they arrive,
// commands to drive the handlers it registered, and its exit. The test process itself never loads the shell.
import { spawn, type ChildProcess } from 'node:child_process';
import type { ChildMessage, Command, ShellRecord } from '../stand-in/messages';
import { STAND_IN_ENV } from '../stand-in/messages';
import { registerScript } from './compile-stand-in';
import { bundles, repoRoot } from './built-bundles';

export interface ShellOptions {
  /** The compiled stand-in (compileStandIn). */
  standInDir: string;
  userData: string;
  lockHeld?: boolean;
}

export interface ShellExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ShellProcess {
  readonly records: ShellRecord[] = [];
  readonly exited: Promise<ShellExit>;
  private readonly child: ChildProcess;
  private stderr = '';
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly recordListeners = new Set<(record: ShellRecord) => void>();

  constructor(options: ShellOptions) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      [STAND_IN_ENV.dir]: options.standInDir,
      [STAND_IN_ENV.userData]: options.userData,
      [STAND_IN_ENV.lockHeld]: options.lockHeld ? '1' : '0',
    };
    // The packaged app's path: no dev server, no demo data folder, no update feed.
    for (const name of ['ELECTRON_RENDERER_URL', 'ARTLAB_DEMO_DATA_DIR', 'ARTLAB_DEMO_SERVICES', 'ARTLAB_UPDATE_URL']) {
      delete env[name];
    }
    this.child = spawn(process.execPath, ['--import', registerScript, bundles.main], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.on('message', (message: ChildMessage) => this.receive(message));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        for (const waiting of this.pending.values()) waiting.reject(this.failure('exited before replying'));
        this.pending.clear();
        resolve({ code, signal });
      }),
    );
  }

  /** The records of one kind, their details only. */
  details(kind: string): unknown[] {
    return this.records.filter((record) => record.kind === kind).map((record) => record.detail);
  }

  /** Resolves with the first record of `kind` (already seen or still to come); rejects if the shell exits first. */
  waitFor(kind: string): Promise<ShellRecord> {
    const seen = this.records.find((record) => record.kind === kind);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const listener = (record: ShellRecord) => {
        if (record.kind !== kind) return;
        this.recordListeners.delete(listener);
        resolve(record);
      };
      this.recordListeners.add(listener);
      void this.exited.then(() => {
        if (this.recordListeners.delete(listener)) reject(this.failure(`exited before recording ${kind}`));
      });
    });
  }

  onRecord(listener: (record: ShellRecord) => void): () => void {
    this.recordListeners.add(listener);
    return () => this.recordListeners.delete(listener);
  }

  command<T = unknown>(command: Command): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (value) => resolve(value as T), reject });
      this.child.send({ type: 'command', id, command });
    });
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    await this.exited;
  }

  private receive(message: ChildMessage): void {
    if (message.type === 'record') {
      this.records.push(message.record);
      for (const listener of [...this.recordListeners]) listener(message.record);
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.error === undefined) waiting.resolve(message.value);
    else waiting.reject(new Error(message.error));
  }

  private failure(what: string): Error {
    const kinds = this.records.map((record) => record.kind).join(', ');
    return new Error(`The shell ${what}.\nRecords: ${kinds}\nstderr:\n${this.stderr.slice(-4000)}`);
  }
}
