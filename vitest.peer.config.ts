// The peer suite: the app's own code against a real ComfyUI (COMFYUI_URL). Run it with `npm run test:peer`, which
// says how to start one when the variable is not set. One file at a time: the server runs one prompt at a time, and
// tests that wait for a prompt to run must not queue behind another file's prompts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/peer/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
