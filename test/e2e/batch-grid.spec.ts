// The batch grid end to end, on an app server and simulator of its own: 3 prompts × 2 swept step counts are queued,
// the Queue's Grid button shows them as a labelled 2 × 3 table (one prompt fails on purpose: its cells say so), a
// cell opens its image in the Gallery's viewer. Screenshots in English and Chinese.
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService } from './support/sim-services';

test.use({ locale: 'en-US', colorScheme: 'dark' });

const PROMPTS = ['a lighthouse at dawn', 'a __fail__ on purpose', 'a quiet mountain lake'];

let app: OwnApp;
let bridge: BridgeClient;

test.beforeAll(async () => {
  app = await startOwnApp(ownDataDir('batch-grid'), 'batch-grid');
  bridge = await BridgeClient.connect(app.url);
  const serviceId = await createService(bridge, {
    name: 'Sim Exclusive',
    url: app.sim.exclusive.url,
    token: app.sim.exclusive.token,
  });
  const workflows = z
    .array(z.object({ id: z.string(), source: z.string() }))
    .parse(await bridge.call('workflows.list', {}));
  const starter = workflows.find((workflow) => workflow.source === 'starter');
  if (!starter) throw new Error('no starter workflow');
  const spec = {
    prompts: PROMPTS,
    dynamicPrompts: 'off',
    seeds: { mode: 'fixed', value: 5 },
    sweeps: [{ parameter: '3.steps', values: [4, 6] }],
  };
  const batch = z
    .object({ id: z.string() })
    .parse(await bridge.call('batches.queue', { serviceId, workflowId: starter.id, spec, label: 'Lighthouse sweep' }));
  await expect
    .poll(
      async () =>
        z.object({ finished: z.boolean() }).parse(await bridge.call('batches.get', { batchId: batch.id })).finished,
    )
    .toBe(true);
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

test('a swept batch shows as a labelled grid, and a cell opens its image', async ({ page }) => {
  await page.goto(`${app.url}#/queue`);
  await page.getByRole('button', { name: 'Grid' }).click();
  const dialog = page.getByRole('dialog', { name: 'Grid of Lighthouse sweep' });
  await expect(dialog).toBeVisible();
  const table = dialog.getByTestId('batch-grid');
  for (const prompt of PROMPTS) await expect(table.getByRole('columnheader', { name: prompt })).toBeVisible();
  await expect(table.getByRole('rowheader', { name: '4' })).toBeVisible();
  await expect(table.getByRole('rowheader', { name: '6' })).toBeVisible();
  await expect(table.locator('.grid-cell--image img')).toHaveCount(4);
  await expect(table.locator('[data-state="failed"]')).toHaveCount(2);
  await shootBothThemes(page, { file: (theme) => `batch-grid-${theme}.png`, axeLabel: 'batch grid' });

  // Swapping the axes: prompts run down once steps are chosen across.
  await dialog.getByLabel('Across (X)').selectOption({ label: 'KSampler › steps' });
  await expect(table.getByRole('columnheader', { name: '4' })).toBeVisible();
  await expect(table.getByRole('rowheader', { name: PROMPTS[0] })).toBeVisible();

  await table.locator('.grid-cell--image').first().click();
  await expect(page.locator('dialog.lightbox')).toBeVisible();
});

test('the grid saves as one labelled PNG, with its images', async ({ page }) => {
  await page.goto(`${app.url}#/queue`);
  await page.getByRole('button', { name: 'Grid' }).click();
  const dialog = page.getByRole('dialog', { name: 'Grid of Lighthouse sweep' });
  await expect(dialog.getByTestId('batch-grid').locator('.grid-cell--image img')).toHaveCount(4);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Save as PNG' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('Lighthouse sweep grid.png');
  // Kept beside the screenshots, for a human to look at.
  await download.saveAs('test/e2e/screenshots/batch-grid-export.png');
  const png = await readFile(await download.path());
  const { width, height, channels } = await sharp(png).metadata();
  // Three prompts across and two step counts down, 256 px each, beside the labels.
  expect(width).toBeGreaterThan(3 * 256);
  expect(width).toBeLessThan(3 * 256 + 400);
  expect(height).toBeGreaterThan(2 * 256);
  expect(height).toBeLessThan(2 * 256 + 200);
  // The four images are drawn (a sheet of labels on white alone is nearly uniform), and the failed cells say so.
  const { channels: stats } = await sharp(png).stats();
  expect(channels).toBeGreaterThanOrEqual(3);
  expect(stats[0]?.stdev).toBeGreaterThan(20);
});

test('the grid reads well in Chinese', async ({ page }) => {
  await bridge.call('settings.update', { language: 'zh-CN' });
  try {
    await page.goto(`${app.url}#/queue`);
    await page.getByRole('button', { name: '网格' }).click();
    const dialog = page.getByRole('dialog', { name: 'Lighthouse sweep 的网格' });
    await expect(dialog.locator('.grid-cell--image img')).toHaveCount(4);
    await page.screenshot({ path: 'test/e2e/screenshots/batch-grid-dark-zh-CN.png', animations: 'disabled' });
  } finally {
    await bridge.call('settings.update', { language: 'system' });
  }
});
