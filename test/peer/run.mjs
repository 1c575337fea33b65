// `npm run test:peer`: the peer suite needs a running ComfyUI. Without COMFYUI_URL it says how to get one and exits 0
// without starting vitest, so no test is reported as skipped.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (!process.env.COMFYUI_URL) {
  console.log(
    'set COMFYUI_URL to a running ComfyUI, e.g. PORT=8188 ../shared/peers/comfyui/setup.sh && COMFYUI_URL=http://127.0.0.1:8188 npm run test:peer',
  );
  process.exit(0);
}

// vitest's package exports do not list its bin, so it is found by path
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const result = spawnSync(
  process.execPath,
  [vitest, 'run', '--config', 'vitest.peer.config.ts', ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
