// Input images on the Compose page: a workflow that loads an image shows an image field; three chosen files are sent
// to the service and become an axis (one job each, shown as thumbnails with their names); the batch runs; a result
// goes back in as the input from the Gallery's "Use as input", and a re-run of it finds its input on the service.
// Screenshots in en and zh-CN, both themes.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import OSS from 'ali-oss';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService } from './support/sim-services';

test.use({ locale: 'en-US', colorScheme: 'dark' });

let app: OwnApp;
const dataDir = ownDataDir('compose-images');
let bridge: BridgeClient;
let serviceId: string;

const invert = {
  '1': { class_type: 'LoadImage', inputs: { image: 'example.png' }, _meta: { title: 'Photo' } },
  '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'inverted' } },
};

const photo = async (r: number, g: number, b: number) => ({
  name: `photo-${r}-${g}-${b}.png`,
  mimeType: 'image/png',
  buffer: await sharp({ create: { width: 96, height: 64, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer(),
});

test.beforeAll(async () => {
  app = await startOwnApp(dataDir, 'compose-images');
  bridge = await BridgeClient.connect(app.url);
  serviceId = await createService(bridge, {
    name: 'Studio box',
    url: app.sim.exclusive.url,
    token: app.sim.exclusive.token,
  });
  await bridge.call('workflows.import', { name: 'Invert photos', json: JSON.stringify(invert) });
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

async function openInvert(page: Page, heading: string) {
  await page.goto(`${app.url}#/compose`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  const picker = page.locator('select').filter({ has: page.locator('option', { hasText: /^Invert photos/ }) });
  const option = picker.locator('option', { hasText: /^Invert photos/ });
  await picker.selectOption((await option.getAttribute('value')) ?? '');
  await expect(page.getByTestId('image-field')).toBeVisible();
}

test('three chosen photos are sent once and make one job each; a result is used as the next input', async ({
  page,
}) => {
  await openInvert(page, 'Compose');
  const field = page.getByTestId('image-field');
  await expect(page.getByTestId('image-field-status')).toContainText('The workflow’s own file.');

  const files = [await photo(220, 80, 40), await photo(40, 160, 220), await photo(90, 200, 90)];
  await page.getByTestId('image-field-file').setInputFiles(files);
  await expect(page.getByTestId('image-field-status')).toContainText(
    '3 images ready on Studio box (3 sent, 0 already there): one job each.',
  );
  await expect(field.locator('img')).toHaveCount(3);
  for (const file of files) await expect(field.getByTitle(file.name)).toBeVisible();
  await expect(page.getByTestId('preview-total')).toHaveText('3 jobs');
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll<HTMLImageElement>('.image-field img')).every((img) => img.naturalWidth > 0),
  );
  await field.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  await shootBothThemes(page, { file: (theme) => `compose-images-en-${theme}.png`, axeLabel: 'image input' });

  // The same files again: nothing is sent twice.
  await page.getByTestId('image-field-file').setInputFiles(files);
  await expect(page.getByTestId('image-field-status')).toContainText('(0 sent, 3 already there)');

  await page.getByTestId('queue-batch').click();
  await expect(page.getByText(/Queued 3 jobs/)).toBeVisible();

  // In the Gallery, one result goes back in as the input.
  await page.goto(`${app.url}#/gallery`);
  const grid = page.getByRole('region', { name: 'Images' });
  await expect(grid.locator('img')).toHaveCount(3, { timeout: 20_000 });
  await grid.getByRole('button').first().dblclick();
  const lightbox = page.getByRole('dialog', { name: 'Image viewer' });

  // The Gallery's Grid opens the batch's grid, its photos named as the artist chose them.
  await lightbox.getByRole('button', { name: 'Grid', exact: true }).click();
  const table = page.getByTestId('batch-grid');
  for (const file of files) await expect(table.getByRole('columnheader', { name: file.name })).toBeVisible();
  await expect(table.locator('img')).toHaveCount(3);
  await page.screenshot({ path: 'test/e2e/screenshots/compose-images-grid-dark.png', animations: 'disabled' });
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  // Each job of the batch is named by the photo it was given.
  for (const file of files) await expect(page.getByTestId('queue-job').filter({ hasText: file.name })).toHaveCount(1);

  await page.goto(`${app.url}#/gallery`);
  await grid.getByRole('button').first().dblclick();
  await lightbox.getByRole('button', { name: 'Use as input' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compose');
  await expect(page.getByTestId('image-field-status')).toContainText('From the Gallery, ready on Studio box.', {
    timeout: 10_000,
  });
  await expect(field.locator('.image-field__name')).toHaveText(/^inverted_/);
  await expect(page.getByTestId('preview-total')).toHaveText('1 job');
});

test('a re-run finds its input on the service, and says when it is gone from there and from this computer', async ({
  page,
}) => {
  const workflows = z.array(z.object({ id: z.string(), name: z.string() })).parse(await bridge.call('workflows.list'));
  const workflowId = workflows.find((workflow) => workflow.name === 'Invert photos')?.id;
  const { value } = z.object({ value: z.string() }).parse(
    await bridge.call('workflows.uploadImage', {
      serviceId,
      fileName: 'kept.png',
      base64: (await photo(10, 20, 30)).buffer.toString('base64'),
    }),
  );
  const batch = z
    .object({ id: z.string() })
    .parse(await bridge.call('batches.queue', { serviceId, workflowId, spec: { set: { '1.image': value } } }));
  const page1 = z.object({ images: z.array(z.object({ filename: z.string(), state: z.string() })) });
  let filename = '';
  for (let i = 0; i < 200 && filename === ''; i++) {
    const { images } = page1.parse(await bridge.call('gallery.page', { filters: { batchId: batch.id } }));
    filename = images.find((image) => image.state === 'fetched')?.filename ?? '';
    if (filename === '') await page.waitForTimeout(50);
  }

  const rerun = async () => {
    await page.goto(`${app.url}#/gallery`);
    const grid = page.getByRole('region', { name: 'Images' });
    await grid.getByRole('button').first().dblclick();
    const lightbox = page.getByRole('dialog', { name: 'Image viewer' });
    await expect(lightbox.getByRole('heading', { name: filename })).toBeVisible();
    await lightbox.getByRole('button', { name: 'Re-run' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compose');
  };
  await rerun();
  await expect(page.getByTestId('image-field-status')).toContainText('On Studio box.');

  // Gone from the service's input folder and from this computer's copies: said, with what to do.
  const oss = new OSS({
    endpoint: app.sim.oss.endpoint,
    region: app.sim.oss.region,
    bucket: app.sim.oss.bucket,
    accessKeyId: app.sim.oss.accessKeyId,
    accessKeySecret: app.sim.oss.accessKeySecret,
  });
  await oss.delete(`${app.sim.oss.prefix}/input/${value}`);
  rmSync(join(dataDir, 'inputs', value));
  await rerun();
  await expect(page.getByTestId('image-field').locator('xpath=following-sibling::*[@role="alert"]')).toHaveText(
    `“${value}” is no longer on “Studio box”, and this computer has no copy of it. Choose the image again.`,
  );
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('the image field speaks Chinese', async ({ page }) => {
    await openInvert(page, '创作');
    await page.getByTestId('image-field-file').setInputFiles([await photo(200, 120, 60), await photo(60, 120, 200)]);
    await expect(page.getByTestId('image-field-status')).toContainText('2 张图片已在 Studio box 上就绪');
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>('.image-field img')).every((img) => img.naturalWidth > 0),
    );
    await page.getByTestId('image-field').evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await shootBothThemes(page, { file: (theme) => `compose-images-zh-CN-${theme}.png`, axeLabel: '输入图片' });
  });
});
