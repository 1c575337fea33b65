// Dynamic prompts from Compose: `{a|b}` alternatives and a `__colors__` wildcard from the app's wildcards folder make
// every combination (the preview counts and lists them) or one drawn per job; a missing wildcard is said at the
// prompts; Settings lists the wildcard files. Screenshots of Compose with variations and of the Settings section.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService } from './support/sim-services';

test.use({ locale: 'en-US', colorScheme: 'dark' });

let app: OwnApp;
let bridge: BridgeClient;

test.beforeAll(async () => {
  const dataDir = ownDataDir('dynamic-prompts');
  mkdirSync(join(dataDir, 'wildcards', 'styles'), { recursive: true });
  writeFileSync(join(dataDir, 'wildcards', 'colors.txt'), '# warm first\nred\norange\nblue\n');
  writeFileSync(join(dataDir, 'wildcards', 'styles', 'paint.txt'), 'oil painting\nwatercolor\n');
  app = await startOwnApp(dataDir, 'dynamic-prompts');
  bridge = await BridgeClient.connect(app.url);
  await createService(bridge, { name: 'Sim Exclusive', url: app.sim.exclusive.url, token: app.sim.exclusive.token });
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

test('alternatives and wildcards make every combination, or one drawn per job', async ({ page }) => {
  await page.goto(`${app.url}#/compose`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compose');
  const prompts = page.getByRole('textbox', { name: 'Prompts' });
  await prompts.fill('a plain prompt');
  await expect(page.getByRole('combobox', { name: 'Variations in the prompts' })).toHaveCount(0);

  await prompts.fill('a {small|huge} __colors__ lighthouse, __styles/paint__');
  const variations = page.getByRole('combobox', { name: 'Variations in the prompts' });
  await expect(variations).toHaveValue('combinatorial');
  await expect(page.getByTestId('preview-total')).toHaveText('12 jobs');
  await expect(page.locator('.batch-preview__prompt').first()).toHaveText('a small red lighthouse, oil painting');
  await expect(page.locator('.batch-preview__prompt').nth(1)).toHaveText('a small red lighthouse, watercolor');
  await page.getByRole('textbox', { name: 'Batch label (optional)' }).fill('Lighthouse variations');
  await shootBothThemes(page, { file: (theme) => `dynamic-prompts-compose-${theme}.png`, axeLabel: 'variations' });

  await variations.selectOption('random');
  await page.getByRole('textbox', { name: 'Images per prompt' }).fill('3');
  await expect(page.getByTestId('preview-total')).toHaveText('3 jobs');
  for (const text of await page.locator('.batch-preview__prompt').allTextContents()) {
    expect(text).toMatch(/^a (small|huge) (red|orange|blue) lighthouse, (oil painting|watercolor)$/);
  }
  await page.getByTestId('queue-batch').click();
  await expect(page.getByRole('status').filter({ hasText: 'Queued 3 jobs' })).toBeVisible({ timeout: 15_000 });

  // A wildcard with no file is refused at the prompts, naming the file.
  await prompts.fill('a __nope__ lighthouse');
  await expect(page.getByRole('alert').filter({ hasText: 'no wildcard file “nope.txt”' })).toBeVisible();
});

test('Settings lists the wildcard files with their entries', async ({ page }) => {
  await page.goto(`${app.url}#/settings`);
  const list = page.getByRole('list', { name: 'Wildcard files' });
  await expect(list.getByRole('listitem')).toHaveText(['__colors__ 3 entries', '__styles/paint__ 2 entries']);
  await page.getByRole('button', { name: 'Open folder' }).click();
  // The browser bridge has no file manager: the folder's path is shown instead.
  await expect(page.getByText('The folder is:')).toBeVisible();
  await list.scrollIntoViewIfNeeded();
  await shootBothThemes(page, { file: (theme) => `settings-wildcards-${theme}.png`, axeLabel: 'wildcards' });
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('the preview shows the expanded jobs in Chinese', async ({ page }) => {
    await page.goto(`${app.url}#/compose`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('创作');
    await page
      .getByRole('textbox', { name: '提示词', exact: true })
      .fill('一座{小|大}灯塔，__colors__，__styles/paint__');
    await expect(page.getByTestId('preview-total')).toHaveText('12 个任务');
    await expect(page.locator('.batch-preview__prompt').first()).toHaveText('一座小灯塔，red，oil painting');
    await shootBothThemes(page, {
      file: (theme) => `dynamic-prompts-compose-zh-CN-${theme}.png`,
      axeLabel: '提示词变体',
    });
  });
});
