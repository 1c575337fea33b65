// Models and choices from the service, on the Compose page: where they were read from and when, a refresh that shows a
// model added to the service since, a long checkpoint list that filters as one types (a value outside it is marked),
// how long ago they were read, a sweep over the checkpoint offering the models, and an API-edition service linked to an
// Exclusive one showing that one's choices. Screenshots in en and zh-CN.
import OSS from 'ali-oss';
import { expect, test, type Page } from '@playwright/test';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService, simOssMount } from './support/sim-services';

test.use({ locale: 'en-US', colorScheme: 'dark' });

/** A studio's checkpoint folder: more than a dropdown can show at once. */
const MODELS = [
  'animagine_xl_3.1',
  'counterfeit_v3',
  'deliberate_v6',
  'dreamshaper_xl_turbo',
  'epicrealism_natural_sin',
  'juggernaut_xl_v9',
  'majicmix_realistic_v7',
  'meinamix_v11',
  'pony_diffusion_v6_xl',
  'realistic_vision_v6',
  'realvis_xl_v4',
  'revanimated_v2',
  'sd3_medium_incl_clips',
  'sdxl_lightning_4step',
  'zavy_chroma_xl_v8',
].map((name) => `${name}.safetensors`);

let app: OwnApp;
let bridge: BridgeClient;
let oss: OSS;
let apiId: string;

/** A checkpoint file put into the Exclusive service's mounted models folder, as an artist uploads one. */
async function addModel(name: string): Promise<void> {
  await oss.put(`${app.sim.oss.prefix}/models/checkpoints/${name}`, Buffer.from('weights'));
}

test.beforeAll(async () => {
  app = await startOwnApp(ownDataDir('compose-catalogue'), 'compose-catalogue');
  bridge = await BridgeClient.connect(app.url);
  oss = new OSS({
    endpoint: app.sim.oss.endpoint,
    region: app.sim.oss.region,
    bucket: app.sim.oss.bucket,
    accessKeyId: app.sim.oss.accessKeyId,
    accessKeySecret: app.sim.oss.accessKeySecret,
  });
  for (const name of MODELS) await addModel(name);
  await createService(bridge, { name: 'Studio box', url: app.sim.exclusive.url, token: app.sim.exclusive.token });
  apiId = await createService(bridge, {
    name: 'Render farm',
    url: app.sim.queue.url,
    token: app.sim.queue.token,
    oss: simOssMount(app.sim),
  });
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

async function openCompose(page: Page, heading: string, service: RegExp) {
  await page.goto(`${app.url}#/compose`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  const picker = page.getByTestId('compose-service-health').locator('xpath=preceding-sibling::select[1]');
  const option = picker.locator('option', { hasText: service });
  await picker.selectOption((await option.getAttribute('value')) ?? '');
}

test('the checkpoint list is read from the service, filters as one types, and a refresh shows a new model', async ({
  page,
}) => {
  await openCompose(page, 'Compose', /^Studio box/);
  const line = page.getByTestId('compose-catalogue');
  await expect(line).toContainText('Models and choices read from Studio box just now');

  // More than twelve checkpoints: a text input with the list as its suggestions (the browser filters them as one types).
  const checkpoint = page.getByRole('combobox', { name: 'Checkpoint' });
  await expect(checkpoint).toHaveJSProperty('tagName', 'INPUT');
  const listId = await checkpoint.getAttribute('list');
  const options = page.locator(`datalist[id="${listId}"] option`);
  await expect(options).toHaveCount(MODELS.length + 4);
  await expect(checkpoint).toHaveAttribute('placeholder', `Type to filter ${MODELS.length + 4} choices`);

  // A value the service does not list is marked under the field; a listed one is not.
  await checkpoint.fill('juggernaut');
  await expect(page.getByTestId('choice-unlisted')).toHaveText("Not in Studio box's list");
  await checkpoint.fill('juggernaut_xl_v9.safetensors');
  await expect(page.getByTestId('choice-unlisted')).toHaveCount(0);

  // Numbers the service steps: cfg moves by 0.1, and the hint says so.
  const cfg = page.getByRole('spinbutton', { name: 'CFG' });
  await expect(cfg).toHaveAttribute('step', '0.1');
  await expect(cfg.locator('xpath=following-sibling::div[1]')).toContainText('0 to 100, step 0.1');

  await checkpoint.fill('');
  await checkpoint.pressSequentially('xl');
  await expect(page.getByTestId('choice-unlisted')).toBeVisible();
  await checkpoint.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  await shootBothThemes(page, { file: (theme) => `compose-catalogue-en-${theme}.png`, axeLabel: 'model list' });

  // A model added to the service shows up after a refresh, not before.
  await addModel('flux1-dev-fp8.safetensors');
  await expect(page.locator(`datalist[id="${listId}"] option[value="flux1-dev-fp8.safetensors"]`)).toHaveCount(0);
  await line.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.locator(`datalist[id="${listId}"] option[value="flux1-dev-fp8.safetensors"]`)).toHaveCount(1);
  await expect(line).toContainText('just now');
});

test('the line says how long ago the models were read', async ({ page }) => {
  await page.clock.install();
  await openCompose(page, 'Compose', /^Studio box/);
  const line = page.getByTestId('compose-catalogue');
  await line.getByRole('button', { name: 'Refresh' }).click();
  await expect(line).toContainText('just now');
  await expect(line.getByRole('button', { name: 'Refresh' })).toBeEnabled();
  await page.clock.fastForward('03:10');
  await expect(line).toContainText('Models and choices read from Studio box 3 minutes ago');
});

test('a refused import stays said when the models are read again afterwards', async ({ page }) => {
  await openCompose(page, 'Compose', /^Studio box/);
  const line = page.getByTestId('compose-catalogue');
  await expect(line).toContainText('Studio box');
  await page.getByTestId('workflow-file').setInputFiles({
    name: 'ui-format.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ nodes: [], links: [], version: 0.4 })),
  });
  await expect(page.locator('main')).toContainText('UI-format workflow');
  // The catalogue answering after the refusal (a refresh here; a slow first read in life) re-reads the form's
  // workflow: that must not wipe what the artist was told about the file.
  await line.getByRole('button', { name: 'Refresh' }).click();
  await expect(line.getByRole('button', { name: 'Refresh' })).toBeEnabled();
  await expect(line).toContainText('just now');
  await expect(page.locator('main')).toContainText('UI-format workflow');
});

test("a sweep over the checkpoint offers the service's models", async ({ page }) => {
  await openCompose(page, 'Compose', /^Studio box/);
  await page.getByRole('button', { name: 'Add sweep' }).click();
  const parameter = page.getByRole('combobox', { name: 'Parameter to sweep' });
  await parameter.selectOption({ label: 'Checkpoint · Load Checkpoint' });
  const add = page.getByRole('combobox', { name: "Add from Studio box's list" });
  await add.selectOption('juggernaut_xl_v9.safetensors');
  await add.selectOption('realvis_xl_v4.safetensors');
  await expect(page.getByRole('textbox', { name: 'Values' })).toHaveValue(
    'juggernaut_xl_v9.safetensors, realvis_xl_v4.safetensors',
  );
  // What the sweep holds is not offered again.
  await expect(add.locator('option[value="juggernaut_xl_v9.safetensors"]')).toHaveCount(0);
  await expect(page.getByTestId('preview-total')).toHaveText('2 jobs');
  await add.scrollIntoViewIfNeeded();
  await shootBothThemes(page, { file: (theme) => `compose-catalogue-sweep-${theme}.png`, axeLabel: 'model sweep' });
});

test('an API-edition service types its values until linked to an Exclusive one, then shows its choices', async ({
  page,
}) => {
  await openCompose(page, 'Compose', /^Render farm/);
  await expect(page.getByTestId('compose-catalogue')).toContainText('Render farm does not list its models');
  await expect(page.getByRole('textbox', { name: 'Checkpoint' })).toBeVisible();

  // Linked in the service dialog, as the artist does it.
  await page.goto(`${app.url}#/services`);
  const card = page.getByRole('listitem').filter({ hasText: 'Render farm' });
  await card.getByRole('button', { name: 'Edit' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit Render farm' });
  const source = dialog.getByRole('combobox', { name: 'Take models and choices from' });
  await source.selectOption({ label: 'Studio box' });
  await source.scrollIntoViewIfNeeded();
  await shootBothThemes(page, { file: (theme) => `services-catalogue-source-${theme}.png`, axeLabel: 'model source' });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  const stored = z.object({ catalogueFrom: z.string() }).parse(await bridge.call('services.get', { id: apiId }));
  expect(stored.catalogueFrom).not.toBe('');

  await openCompose(page, 'Compose', /^Render farm/);
  await expect(page.getByTestId('compose-catalogue')).toContainText(
    'Models and choices read from Studio box (linked to Render farm)',
  );
  const checkpoint = page.getByRole('combobox', { name: 'Checkpoint' });
  const listId = await checkpoint.getAttribute('list');
  await expect(page.locator(`datalist[id="${listId}"] option[value="zavy_chroma_xl_v8.safetensors"]`)).toHaveCount(1);
  await expect(page.getByRole('combobox', { name: 'Scheduler' })).toHaveJSProperty('tagName', 'SELECT');
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('the form with a long model list reads in Chinese', async ({ page }) => {
    await openCompose(page, '创作', /^Studio box/);
    await expect(page.getByTestId('compose-catalogue')).toContainText('模型和选项读取自 Studio box');
    const checkpoint = page.locator('input[data-field$=".ckpt_name"]');
    await expect(checkpoint).toHaveAttribute('placeholder', /输入以筛选 \d+ 个选项/);
    await checkpoint.fill('my_own_model.safetensors');
    await expect(page.getByTestId('choice-unlisted')).toHaveText('不在 Studio box 的列表中');
    await checkpoint.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await shootBothThemes(page, { file: (theme) => `compose-catalogue-zh-CN-${theme}.png`, axeLabel: '模型列表' });
  });
});
