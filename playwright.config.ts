import { defineConfig } from '@playwright/test';

// Debian's chromium: Playwright's own browser download cannot run on these machines.
export default defineConfig({
  testDir: 'test/e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  // One more try in CI, as Playwright's own template has it: a test that passes on its second try is reported as
  // flaky, with the first try's failure and its diagnostics printed, so it is seen and not lost; twice is a failure.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  globalSetup: './test/e2e/global-setup.ts',
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    },
  },
});
