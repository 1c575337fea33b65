// The cost estimate on screen: a price entered in the service's dialog, then a small batch; the Services card shows
// today's and this month's estimate, the Queue the batch's cost and per image, the lightbox the image's share. Runs its
// own app; screenshots in English and Chinese.
import { expect, test, type Page } from '@playwright/test';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService } from './support/sim-services';
import { simControlSettings } from '../sim/control-settings';

const NAME = 'Priced GPU';
const LABEL = 'Harbour studies';
let app: OwnApp;
let bridge: BridgeClient;

test.beforeAll(async () => {
  app = await startOwnApp(ownDataDir('cost'), 'cost');
  bridge = await BridgeClient.connect(app.url);
  const { exclusive } = app.sim;
  await createService(bridge, {
    name: NAME,
    url: exclusive.url,
    token: exclusive.token,
    control: simControlSettings(app.sim),
  });
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

const card = (page: Page) =>
  page.getByTestId('service-card').filter({ has: page.getByRole('heading', { name: NAME, exact: true }) });

test.describe('in English', () => {
  test.use({ locale: 'en-US', colorScheme: 'dark' });

  test('a price in the dialog gives estimates on the card, in the Queue and in the lightbox', async ({ page }) => {
    await page.goto(`${app.url}#/services`);
    await card(page).getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: `Edit ${NAME}` });
    const price = dialog.getByTestId('price-fields');
    await price.getByText('Price (for cost estimates, optional)').click();
    await price.getByRole('spinbutton', { name: 'Price per instance-hour' }).fill('36');
    await price.getByRole('combobox', { name: 'Currency' }).selectOption('CNY');
    await price.scrollIntoViewIfNeeded();
    await shootBothThemes(page, { file: (theme) => `cost-dialog-en-${theme}.png` });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();
    // The GPU line reads the lifecycle: its instance time is what the estimate is made of.
    await expect(card(page).getByTestId('gpu-status')).toHaveText('Running');

    const workflows = z
      .array(z.object({ id: z.string(), source: z.string() }))
      .parse(await bridge.call('workflows.list'));
    const starter = workflows.find((workflow) => workflow.source === 'starter');
    const services = z.array(z.object({ id: z.string(), name: z.string() })).parse(await bridge.call('services.list'));
    const serviceId = services.find((service) => service.name === NAME)?.id;
    const batch = z.object({ id: z.string() }).parse(
      await bridge.call('batches.queue', {
        serviceId,
        workflowId: starter?.id,
        label: LABEL,
        spec: { prompts: ['a harbour at dusk, gouache'], seeds: { mode: 'random' }, countPerPrompt: 3 },
      }),
    );
    await expect
      .poll(
        async () =>
          z.object({ finished: z.boolean() }).parse(await bridge.call('batches.get', { batchId: batch.id })).finished,
        { timeout: 30_000 },
      )
      .toBe(true);

    await page.reload();
    await expect(card(page).getByTestId('service-cost')).toHaveText(/^≈ CN¥.+ today · CN¥.+ this month · estimate$/);
    await shootBothThemes(page, { file: (theme) => `cost-card-en-${theme}.png`, axeLabel: 'cost card' });

    await page.goto(`${app.url}#/queue`);
    const header = page.getByTestId('queue-batch').filter({ hasText: LABEL });
    await expect(header.getByTestId('queue-batch-cost')).toHaveText(/^≈ CN¥[\d.,]+ · CN¥[\d.,]+ per image · estimate$/);
    await shootBothThemes(page, { file: (theme) => `cost-queue-en-${theme}.png`, axeLabel: 'cost queue' });

    await page.goto(`${app.url}#/gallery`);
    await page.getByRole('region', { name: 'Images' }).getByRole('button').first().dblclick();
    const lightbox = page.getByRole('dialog', { name: 'Image viewer' });
    await expect(lightbox.getByTestId('lightbox-cost')).toContainText(/its batch's CN¥[\d.,]+ over 3 images/);
    await shootBothThemes(page, { file: (theme) => `cost-lightbox-en-${theme}.png`, axeLabel: 'cost lightbox' });
  });
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN', colorScheme: 'dark' });

  test('the estimates read in Chinese', async ({ page }) => {
    await page.goto(`${app.url}#/services`);
    await expect(card(page).getByTestId('service-cost')).toContainText('今日');
    await expect(card(page).getByTestId('service-cost')).toContainText('估算');
    await shootBothThemes(page, { file: (theme) => `cost-card-zh-${theme}.png` });
    await page.goto(`${app.url}#/queue`);
    await expect(page.getByTestId('queue-batch-cost').first()).toContainText('每张图片');
    await shootBothThemes(page, { file: (theme) => `cost-queue-zh-${theme}.png` });
    await page.goto(`${app.url}#/gallery`);
    await page.getByRole('region', { name: '图片' }).getByRole('button').first().dblclick();
    await expect(page.getByTestId('lightbox-cost')).toContainText('所属批次');
    await shootBothThemes(page, { file: (theme) => `cost-lightbox-zh-${theme}.png` });
  });
});
