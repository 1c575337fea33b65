// Builds nothing (npm test builds first); starts the app server (with its simulator) and hands the app's URL and the
// simulator's call information to the tests: ARTLAB_E2E_URL and ARTLAB_E2E_SIM (SimulatorInfo as JSON).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { simulatorInfoSchema } from '../sim/index';

const serverLineSchema = z.object({ url: z.string(), sim: simulatorInfoSchema });

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync('out/renderer/index.html')) throw new Error('Build the app first: npm run build');
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/app-server.ts'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const started = await new Promise<z.infer<typeof serverLineSchema>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The app server did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`The app server exited with code ${String(code)}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(serverLineSchema.parse(JSON.parse(line)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
  process.env.ARTLAB_E2E_URL = started.url;
  process.env.ARTLAB_E2E_SIM = JSON.stringify(started.sim);
  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
}
