// Seeds on the Compose page, as ComfyUI treats them: random seeds once a prompt makes several images, a warning (and
// a queue button that says so) when fixed-seed repeats will be identical images, a refusal when every job would be the
// same, a Seed input choice, and a workflow without any seed input queued like any other. Screenshot of the warning.
import { expect, test, type Page } from '@playwright/test';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService } from './support/sim-services';

test.use({ locale: 'en-US', colorScheme: 'dark' });

const SEEDLESS = JSON.stringify({
  '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 48, batch_size: 1, color: 0x3366cc } },
  '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'inverted' } },
});

let app: OwnApp;
let bridge: BridgeClient;

test.beforeAll(async () => {
  app = await startOwnApp(ownDataDir('compose-seeds'), 'compose-seeds');
  bridge = await BridgeClient.connect(app.url);
  await createService(bridge, { name: 'Sim Exclusive', url: app.sim.exclusive.url, token: app.sim.exclusive.token });
  await bridge.call('workflows.import', { name: 'Invert', json: SEEDLESS });
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

async function openCompose(page: Page, workflow: RegExp) {
  await page.goto(`${app.url}#/compose`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compose');
  const option = page.getByRole('combobox', { name: 'Workflow' }).locator('option', { hasText: workflow });
  const value = await option.getAttribute('value');
  if (!value) throw new Error(`no workflow ${workflow.source}`);
  await page.getByRole('combobox', { name: 'Workflow' }).selectOption(value);
}

test('several images of a prompt get random seeds; a fixed seed warns that the repeats are identical', async ({
  page,
}) => {
  await openCompose(page, /Built-in starter/);
  await page.getByRole('textbox', { name: 'Prompts' }).fill('a lighthouse at dawn\na quiet mountain lake');
  await page.getByRole('textbox', { name: 'Images per prompt' }).fill('2');
  await expect(page.getByRole('combobox', { name: 'Seeds' })).toHaveValue('random');
  await expect(page.getByTestId('preview-total')).toHaveText('4 jobs');
  await expect(page.getByTestId('identical-repeats')).toHaveCount(0);
  await expect(page.getByTestId('queue-batch')).toHaveText(/^Queue 4/);

  await page.getByRole('combobox', { name: 'Seeds' }).selectOption('fixed');
  await expect(page.getByTestId('identical-repeats')).toContainText('identical images');
  await expect(page.getByTestId('queue-batch')).toHaveText(/^Queue 4 \(identical repeats\)/);
  await page.getByTestId('queue-batch').scrollIntoViewIfNeeded();
  await shootBothThemes(page, { file: (theme) => `compose-seeds-fixed-warning-${theme}.png`, axeLabel: 'fixed seed' });

  // One prompt: every job would be the same workflow, which ComfyUI answers from its cache. Refused.
  await page.getByRole('textbox', { name: 'Prompts' }).fill('a lighthouse at dawn');
  await expect(page.getByRole('alert').filter({ hasText: 'All 2 jobs would send the same workflow' })).toBeVisible();
  await expect(page.getByTestId('queue-batch')).toBeDisabled();
});

test('the seed input can be none: the seed is then a parameter of the form', async ({ page }) => {
  await openCompose(page, /Built-in starter/);
  const seedInput = page.getByRole('combobox', { name: 'Seed input' });
  await expect(seedInput.locator('option')).toHaveText(['KSampler.seed', 'None: keep the workflow’s seeds']);
  await seedInput.selectOption({ label: 'None: keep the workflow’s seeds' });
  await expect(page.getByRole('combobox', { name: 'Seeds' })).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Seed' })).toHaveValue('156680208700286');
  await expect(page.getByTestId('preview-total')).toHaveText('1 job');
});

test('a workflow without a seed input queues, and several identical jobs of it are refused', async ({ page }) => {
  await openCompose(page, /^Invert/);
  await expect(page.getByRole('combobox', { name: 'Seed input' })).toHaveCount(0);
  await expect(page.getByTestId('preview-total')).toHaveText('1 job');
  await page.getByRole('textbox', { name: 'Images per prompt' }).fill('3');
  await expect(page.getByRole('alert').filter({ hasText: 'no seed input, so all 3 jobs' })).toBeVisible();
  await expect(page.getByTestId('queue-batch')).toBeDisabled();
  await page.getByRole('textbox', { name: 'Images per prompt' }).fill('1');
  await expect(page.getByTestId('preview-total')).toHaveText('1 job');
  await page.getByTestId('queue-batch').click();
  await expect(page.getByRole('status').filter({ hasText: 'Queued 1 job' })).toBeVisible();
});
