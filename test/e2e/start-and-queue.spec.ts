// Queueing from Compose on a service whose GPU is stopped: Compose asks whether to start it (billing starts), the
// batch then waits in the Queue ("Waiting for … to start") and runs once the service answers. Runs its own app with a
// slow simulated start; screenshots in English and Chinese.
import { expect, test, type Page } from '@playwright/test';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService } from './support/sim-services';
import { simControlSettings } from '../sim/control-settings';

let app: OwnApp;
let bridge: BridgeClient;
let serviceId: string;

test.beforeAll(async () => {
  // Six seconds to place the instance: long enough to see the batch waiting.
  app = await startOwnApp(ownDataDir('start-and-queue'), 'start-and-queue', ['--placement-ms', '6000']);
  bridge = await BridgeClient.connect(app.url);
  const { exclusive } = app.sim;
  serviceId = await createService(bridge, {
    name: 'Night GPU',
    url: exclusive.url,
    token: exclusive.token,
    control: simControlSettings(app.sim),
  });
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

const statusOf = async (): Promise<string> =>
  z.object({ status: z.string() }).parse(await bridge.call('services.lifecycle', { serviceId })).status;

async function stopGpu(): Promise<void> {
  await bridge.call('services.stop', { serviceId });
  await expect.poll(statusOf, { timeout: 10_000 }).toBe('Stopped');
}

async function composeOn(page: Page, heading: string, labelField: string, label: string): Promise<void> {
  await page.goto(`${app.url}#/compose`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  await page.getByRole('textbox', { name: labelField }).fill(label);
  await expect(page.getByTestId('queue-batch')).toBeEnabled();
  await page.getByTestId('queue-batch').click();
}

test.describe('in English', () => {
  test.use({ locale: 'en-US', colorScheme: 'dark' });

  test('asks to start a stopped GPU, holds the batch while it starts, then runs it', async ({ page }) => {
    await stopGpu();
    await composeOn(page, 'Compose', 'Batch label (optional)', 'Night run');
    const ask = page.getByTestId('start-and-queue');
    await expect(ask).toContainText('The GPU of “Night GPU” is not running (EAS: Stopped).');
    await shootBothThemes(page, { file: (theme) => `start-and-queue-ask-en-${theme}.png`, axeLabel: 'start ask' });
    await ask.getByRole('button', { name: 'Start and queue' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Queued 1 job' })).toBeVisible();

    await page.goto(`${app.url}#/queue`);
    const held = page.getByTestId('queue-batch-held');
    await expect(held).toContainText('Waiting for Night GPU to start');
    await shootBothThemes(page, { file: (theme) => `start-and-queue-waiting-en-${theme}.png`, axeLabel: 'waiting' });
    await expect(held).toBeHidden({ timeout: 30_000 });
    await expect(page.getByText('1 of 1 done')).toBeVisible({ timeout: 30_000 });
  });
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN', colorScheme: 'dark' });

  test('asks to start a stopped GPU, in Chinese', async ({ page }) => {
    await stopGpu();
    await composeOn(page, '创作', '批次名称（可选）', '夜间批次');
    const ask = page.getByTestId('start-and-queue');
    await expect(ask).toContainText('“Night GPU”的 GPU 没有在运行（EAS：Stopped）');
    await shootBothThemes(page, { file: (theme) => `start-and-queue-ask-zh-${theme}.png`, axeLabel: 'start ask zh' });
    await ask.getByRole('button', { name: '启动并加入队列' }).click();
    await page.goto(`${app.url}#/queue`);
    await expect(page.getByTestId('queue-batch-held')).toContainText('正在等待 Night GPU 启动');
    await shootBothThemes(page, { file: (theme) => `start-and-queue-waiting-zh-${theme}.png`, axeLabel: 'waiting zh' });
  });
});
