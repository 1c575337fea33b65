// Builds nothing (npm test builds first); starts the app server and hands its URL to the tests.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync('out/renderer/index.html')) throw new Error('Build the app first: npm run build');
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/app-server.ts'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The app server did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`The app server exited with code ${String(code)}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  process.env.ARTLAB_E2E_URL = url;
  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
}
