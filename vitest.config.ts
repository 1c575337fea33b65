import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.{ts,tsx}',
      'test/integration/**/*.test.ts',
      'test/sim/**/*.test.ts',
      'test/shell/**/*.test.ts',
    ],
    environment: 'node',
    globalSetup: ['test/integration/support/native-modules-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
