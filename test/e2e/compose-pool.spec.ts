// A pool saved and used from Compose: "New pool…" in the service picker, a name and two services, then a batch queued
// on it runs across both (the batch records them as its members). Runs its own app; screenshots in English and
// Chinese.
import { expect, test, type Page } from '@playwright/test';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService } from './support/sim-services';

let app: OwnApp;
let bridge: BridgeClient;
const serviceIds: string[] = [];

test.beforeAll(async () => {
  app = await startOwnApp(ownDataDir('compose-pool'), 'compose-pool');
  bridge = await BridgeClient.connect(app.url);
  const { exclusive } = app.sim;
  serviceIds.push(
    await createService(bridge, { name: 'Studio A', url: exclusive.url, token: exclusive.token }),
    await createService(bridge, { name: 'Studio B', url: exclusive.url, token: exclusive.token }),
  );
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

const batchSchema = z.object({
  id: z.string(),
  label: z.string(),
  total: z.number(),
  finished: z.boolean(),
  members: z.array(z.object({ serviceId: z.string(), state: z.string() })).optional(),
});

async function openCompose(page: Page, heading: string): Promise<void> {
  await page.goto(`${app.url}#/compose`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
}

test.describe('in English', () => {
  test.use({ locale: 'en-US', colorScheme: 'dark' });

  test('saves a pool from Compose and queues a batch that runs on both of its services', async ({ page }) => {
    await openCompose(page, 'Compose');
    await page.getByRole('combobox', { name: 'Service' }).selectOption({ label: 'New pool…' });
    const dialog = page.getByTestId('pool-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Both studios');
    const save = dialog.getByRole('button', { name: 'Save pool' });
    await dialog.getByRole('checkbox', { name: /Studio A/ }).check();
    await expect(save).toBeDisabled();
    await dialog.getByRole('checkbox', { name: /Studio B/ }).check();
    await shootBothThemes(page, { file: (theme) => `compose-pool-dialog-en-${theme}.png`, axeLabel: 'pool dialog' });
    await save.click();
    await expect(dialog).toBeHidden();

    const members = page.getByTestId('compose-pool-members');
    await expect(members).toHaveText(/Spreads the batch over Studio A, Studio B\./);
    await page.getByRole('textbox', { name: 'Prompts' }).fill('a lighthouse at dawn, oil painting');
    await page.getByRole('textbox', { name: 'Batch label (optional)' }).fill('Pool from Compose');
    await expect(page.getByTestId('preview-total')).toHaveText('1 job');
    await shootBothThemes(page, { file: (theme) => `compose-pool-en-${theme}.png`, axeLabel: 'compose pool' });
    await expect(page.getByTestId('queue-batch')).toBeEnabled();
    await page.getByTestId('queue-batch').click();
    await expect(page.getByRole('status').filter({ hasText: 'Queued 1 job' })).toBeVisible();

    const batches = z.array(batchSchema).parse(await bridge.call('batches.list', {}));
    const batch = batches.find((each) => each.label === 'Pool from Compose');
    expect(batch?.members?.map((member) => member.serviceId)).toEqual(serviceIds);
    expect(z.array(z.object({ name: z.string() })).parse(await bridge.call('pools.list'))).toEqual([
      expect.objectContaining({ name: 'Both studios' }),
    ]);
  });
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN', colorScheme: 'dark' });

  test('offers the saved pool and names its services', async ({ page }) => {
    await openCompose(page, '创作');
    const picker = page.getByRole('combobox', { name: '服务' });
    await picker.selectOption({ label: 'Both studios · 2 个服务的服务池' });
    await expect(page.getByTestId('compose-pool-members')).toHaveText(/批次将分配到 Studio A、Studio B。/);
    await shootBothThemes(page, { file: (theme) => `compose-pool-zh-${theme}.png`, axeLabel: 'compose pool zh' });
    await page.getByRole('button', { name: '编辑服务池' }).click();
    await expect(page.getByTestId('pool-dialog').getByRole('textbox', { name: '名称' })).toHaveValue('Both studios');
  });
});
