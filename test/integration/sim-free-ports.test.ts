// `npm run sim` next to a local ComfyUI: ComfyUI listens on 8188, so the simulator must not insist on it. With no
// --port it takes free ports and says which, in its one line of --json.
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorInfoSchema } from '../sim/index';
import { startLongRunning } from './support/long-running-child';

const root = resolve(import.meta.dirname, '../..');
const COMFYUI_PORT = 8188;

/** Holds 8188 for the test, unless something (a real ComfyUI) already does: either way it is taken. */
function occupy(port: number): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? done(undefined) : fail(error),
    );
    server.listen(port, '127.0.0.1', () => done(server));
  });
}

let comfyui: Server | undefined;
beforeAll(async () => {
  comfyui = await occupy(COMFYUI_PORT);
});
afterAll(async () => {
  await new Promise((done) => (comfyui ? comfyui.close(done) : done(undefined)));
});

describe('npm run sim without --port', () => {
  it('starts beside a ComfyUI on 8188 and prints the free ports it took', async () => {
    const sim = startLongRunning(process.execPath, ['--import', 'tsx', 'test/sim/cli.ts', '--json'], { cwd: root });
    let exitCode: number | null;
    try {
      const info = simulatorInfoSchema.parse(JSON.parse(await sim.firstLine));
      const ports = [info.exclusive.url, info.queue.url, info.oss.endpoint].map((url) => Number(new URL(url).port));
      for (const port of ports) expect(port).toBeGreaterThan(0);
      expect(ports).not.toContain(COMFYUI_PORT);
      const stats = await fetch(new URL('system_stats', info.exclusive.url.replace(/\/?$/, '/')), {
        headers: { Authorization: info.exclusive.token },
      });
      expect(stats.status).toBe(200);
    } finally {
      exitCode = await sim.interrupt('SIGINT');
    }
    expect(exitCode).toBe(0);
  });
});
