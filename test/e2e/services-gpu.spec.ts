// The GPU behind a service, from the Services page, against the simulator's EAS control API: an Exclusive service
// saved with its own control AccessKey shows Running 1 of 1; Stop asks first (saying what it means for billing) and
// the card follows the service to Stopped; Start brings it back to Running. The same card and dialog in Chinese. A stop
// with jobs in flight is refused with the coded sentence, and "Stop anyway" sends it confirmed.
// Runs its own app: stopping a service must not reach the specs that use the shared one. Screenshots of the card and
// the confirmation in both languages go to test/e2e/screenshots/.
import { expect, test, type Page } from '@playwright/test';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';

test.use({ locale: 'en-US', colorScheme: 'dark' });

let app: OwnApp;
test.beforeAll(async () => {
  app = await startOwnApp(ownDataDir('gpu'), 'GPU');
});
test.afterAll(async () => {
  await app.stop();
});

const NAME = 'Sim GPU';
const card = (page: Page) =>
  page.getByTestId('service-card').filter({ has: page.getByRole('heading', { name: NAME, exact: true }) });

async function addWithControl(page: Page) {
  const { sim } = app;
  await page.getByRole('button', { name: 'Add a service' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a service' });
  await dialog
    .getByRole('textbox', { name: 'Paste the call information' })
    .fill([`URL: ${sim.exclusive.url}`, `Token: ${sim.exclusive.token}`].join('\n'));
  await expect(dialog.getByTestId('paste-summary')).toContainText('token found ••••');
  await dialog.getByRole('textbox', { name: 'Name' }).fill(NAME);
  const control = dialog.getByTestId('control-fields');
  await control.getByText('EAS control (optional)').click();
  await control.getByRole('checkbox', { name: 'Control this service’s GPU' }).check();
  await control.getByRole('radio', { name: 'Its own AccessKey' }).check();
  await control.getByRole('textbox', { name: 'AccessKey ID' }).fill(sim.control.accessKeyId);
  await control.getByLabel('AccessKey secret').fill(sim.control.accessKeySecret);
  // A temporary STS key's token has its own write-only field; this key is a long-lived one.
  await expect(control.getByLabel('STS security token (optional)')).toBeVisible();
  await control.getByRole('textbox', { name: 'Region' }).fill(sim.control.region);
  await control.getByRole('textbox', { name: 'EAS service name' }).fill(sim.control.services.exclusive);
  await control.getByRole('spinbutton', { name: 'Stop after idle minutes (optional)' }).fill('30');
  await control.scrollIntoViewIfNeeded();
  await shootBothThemes(page, { file: (theme) => `services-gpu-dialog-en-${theme}.png` });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
}

test('a service with EAS control shows its GPU, stops after a confirmation and starts again', async ({
  page,
  browser,
}) => {
  await page.goto(`${app.url}#/services`);
  await addWithControl(page);
  const gpu = card(page).getByTestId('gpu');
  await expect(gpu.getByTestId('gpu-status')).toHaveText('Running');
  await expect(gpu.getByTestId('gpu-instances')).toHaveText('1 of 1 instance running');
  await expect(gpu.getByTestId('auto-stop')).toHaveText('Stops by itself after 30 idle minutes.');
  // The control secret was typed once and is kept in main: the page never holds it.
  expect(await page.content()).not.toContain(app.sim.control.accessKeySecret);
  await shootBothThemes(page, { file: (theme) => `services-gpu-running-en-${theme}.png` });

  await gpu.getByRole('button', { name: 'Stop' }).click();
  const confirm = page.getByRole('dialog', { name: `Stop the GPU of “${NAME}”?` });
  await expect(confirm).toContainText('billed for every second it holds a GPU');
  await shootBothThemes(page, { file: (theme) => `services-gpu-confirm-stop-en-${theme}.png` });
  await confirm.getByRole('button', { name: 'Stop' }).click();
  await expect(confirm).toBeHidden();
  // Stopping, then Stopped: the card reads EAS again every 3 s until the state settles.
  await expect(gpu.getByTestId('gpu-status')).toHaveText('Stopped', { timeout: 15_000 });
  await expect(gpu.getByRole('button', { name: 'Start' })).toBeEnabled();
  // The card's badge does not say Healthy over a stopped GPU: it says Stopped, or what a check made since found
  // (the gateway's 503: Unreachable).
  await expect(card(page).getByTestId('health-badge')).toHaveText(/^(Stopped|Unreachable)$/);
  await shootBothThemes(page, { file: (theme) => `services-gpu-stopped-en-${theme}.png` });

  await gpu.getByRole('button', { name: 'Start' }).click();
  await expect(gpu.getByTestId('gpu-status')).toHaveText('Running', { timeout: 15_000 });
  await expect(card(page).getByTestId('health-badge')).not.toHaveText('Stopped');
  await expect(gpu.getByTestId('gpu-instances')).toHaveText('1 of 1 instance running');

  // The same card and confirmation on a Chinese system.
  const zh = await browser.newContext({ locale: 'zh-CN', colorScheme: 'dark' });
  try {
    const zhPage = await zh.newPage();
    await zhPage.goto(`${app.url}#/services`);
    const zhGpu = card(zhPage).getByTestId('gpu');
    await expect(zhGpu.getByTestId('gpu-status')).toHaveText('运行中');
    await expect(zhGpu.getByTestId('gpu-instances')).toHaveText('1 个实例中 1 个运行中');
    await shootBothThemes(zhPage, { file: (theme) => `services-gpu-running-zh-CN-${theme}.png` });
    await zhGpu.getByRole('button', { name: '扩缩…' }).click();
    const scale = zhPage.getByRole('dialog', { name: `扩缩“${NAME}”` });
    await expect(scale).toContainText('按秒计费');
    await shootBothThemes(zhPage, { file: (theme) => `services-gpu-confirm-scale-zh-CN-${theme}.png` });
    await scale.getByRole('button', { name: '取消' }).click();
    await zhGpu.getByRole('button', { name: '停止' }).click();
    const stop = zhPage.getByRole('dialog', { name: `停止“${NAME}”的 GPU？` });
    await expect(stop).toContainText('正在处理的任务会被中断');
    await shootBothThemes(zhPage, { file: (theme) => `services-gpu-confirm-stop-zh-CN-${theme}.png` });
  } finally {
    await zh.close();
  }
});

test('a stop with jobs in flight is refused with how many, and "Stop anyway" stops it', async ({ page }) => {
  const bridge = await BridgeClient.connect(app.url);
  try {
    const serviceId = z
      .array(z.object({ id: z.string(), name: z.string() }))
      .parse(await bridge.call('services.list'))
      .find((service) => service.name === NAME)?.id;
    const starter = z
      .array(z.object({ id: z.string(), source: z.string() }))
      .parse(await bridge.call('workflows.list'))
      .find((workflow) => workflow.source === 'starter');
    await bridge.call('batches.queue', {
      serviceId,
      workflowId: starter?.id,
      spec: { seeds: { mode: 'increment', start: '1' }, countPerPrompt: 50 },
    });
    await expect
      .poll(
        async () =>
          z.object({ jobsInFlight: z.number() }).parse(await bridge.call('services.lifecycle', { serviceId }))
            .jobsInFlight,
      )
      .toBeGreaterThan(0);
  } finally {
    bridge.close();
  }

  await page.goto(`${app.url}#/services`);
  const gpu = card(page).getByTestId('gpu');
  await expect(gpu.getByTestId('gpu-status')).toHaveText('Running');
  await gpu.getByRole('button', { name: 'Stop' }).click();
  const confirm = page.getByRole('dialog', { name: `Stop the GPU of “${NAME}”?` });
  await confirm.getByRole('button', { name: 'Stop' }).click();
  await expect(confirm.getByRole('alert')).toContainText(
    `Stopping “${NAME}” would interrupt the jobs it is working on`,
  );
  await shootBothThemes(page, { file: (theme) => `services-gpu-refused-en-${theme}.png` });
  await confirm.getByRole('button', { name: 'Stop anyway' }).click();
  await expect(confirm).toBeHidden();
  await expect(gpu.getByTestId('gpu-status')).toHaveText('Stopped', { timeout: 15_000 });
});
