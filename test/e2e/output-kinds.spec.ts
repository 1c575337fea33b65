// Outputs beyond images: a SaveAudio workflow's sounds are kept beside the images, shown as tiles with their names,
// and play in the viewer; the text a PreviewAny node showed is on its job in the Queue. Screenshots in both themes.
import { expect, test } from '@playwright/test';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService } from './support/sim-services';
import { videoCombineNode } from '../sim/output-workflows';

test.use({ locale: 'en-US', colorScheme: 'dark' });

let app: OwnApp;
let bridge: BridgeClient;
let serviceId: string;

const sound = {
  '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
  '2': { class_type: 'EmptyLatentAudio', inputs: { seconds: 3, batch_size: 2 } },
  '3': { class_type: 'VAEDecodeAudio', inputs: { samples: ['2', 0], vae: ['1', 2] } },
  '4': { class_type: 'SaveAudio', inputs: { audio: ['3', 0], filename_prefix: 'audio/waves' } },
};

test.beforeAll(async () => {
  app = await startOwnApp(ownDataDir('gallery-audio'), 'gallery-audio');
  bridge = await BridgeClient.connect(app.url);
  serviceId = await createService(bridge, {
    name: 'Studio box',
    url: app.sim.exclusive.url,
    token: app.sim.exclusive.token,
  });
  const workflow = z
    .object({ id: z.string() })
    .parse(await bridge.call('workflows.import', { name: 'Sea sounds', json: JSON.stringify(sound) }));
  await bridge.call('batches.queue', { serviceId, workflowId: workflow.id, spec: {} });
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

test('a sound is a tile with its name and plays in the viewer', async ({ page }) => {
  await page.goto(`${app.url}#/gallery`);
  const grid = page.getByRole('region', { name: 'Images' });
  await expect(grid.locator('.tile__audio')).toHaveCount(2, { timeout: 20_000 });
  await expect(grid.locator('.tile__audio-name').first()).toHaveText(/^waves_.*\.wav$/);
  await shootBothThemes(page, { file: (theme) => `gallery-audio-${theme}.png`, axeLabel: 'audio tiles' });

  await grid.getByRole('button').first().dblclick();
  const lightbox = page.getByRole('dialog', { name: 'Image viewer' });
  const audio = lightbox.getByTestId('lightbox-audio');
  await expect(audio).toBeVisible();
  // The browser read the file: it knows how long it is.
  await expect.poll(() => audio.evaluate((element: HTMLAudioElement) => element.duration)).toBeGreaterThan(0.5);
  await expect(lightbox.getByRole('button', { name: 'Use as input' })).toBeDisabled();
  await page.screenshot({ path: 'test/e2e/screenshots/gallery-audio-viewer-dark.png', animations: 'disabled' });
});

test('a video from a workflow is a tile and plays in the viewer', async ({ page }) => {
  const clips = {
    '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 4, color: 7_000_000 } },
    '2': videoCombineNode(['1', 0]),
  };
  const workflow = z
    .object({ id: z.string() })
    .parse(await bridge.call('workflows.import', { name: 'Clip', json: JSON.stringify(clips) }));
  const batch = z
    .object({ id: z.string() })
    .parse(await bridge.call('batches.queue', { serviceId, workflowId: workflow.id, spec: {}, label: 'Clip' }));
  await page.goto(`${app.url}#/gallery`);
  await page.getByRole('combobox', { name: 'Batch' }).selectOption(batch.id);
  const grid = page.getByRole('region', { name: 'Images' });
  await expect(grid.getByRole('button')).toHaveCount(1, { timeout: 20_000 });
  await expect(grid.locator('video.tile__img')).toHaveCount(1);
  await grid.getByRole('button').first().dblclick();
  const video = page.getByRole('dialog', { name: 'Image viewer' }).locator('video');
  // The browser decoded it: it has frames of the clip's size and time moves on.
  await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.videoWidth)).toBe(64);
  await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.currentTime)).toBeGreaterThan(0.2);
  await page.screenshot({ path: 'test/e2e/screenshots/gallery-video-viewer-dark.png', animations: 'disabled' });

  // Its job in the Queue plays it too (a video has no thumbnail).
  await page.goto(`${app.url}#/queue`);
  const row = page.getByTestId('queue-job-video');
  await expect(row).toHaveCount(1, { timeout: 10_000 });
  await expect.poll(() => row.evaluate((element: HTMLVideoElement) => element.videoWidth)).toBe(64);
  await shootBothThemes(page, { file: (theme) => `queue-video-${theme}.png`, axeLabel: 'video job' });
});

test('the text a node showed is on its job in the Queue, to read and copy', async ({ page }) => {
  const words = 'A lighthouse on a cliff at dusk, storm clouds rolling in.\nSecond line of the caption.';
  const caption = {
    '1': { class_type: 'PrimitiveString', inputs: { value: words } },
    '2': { class_type: 'PreviewAny', inputs: { source: ['1', 0] } },
  };
  const workflow = z
    .object({ id: z.string() })
    .parse(await bridge.call('workflows.import', { name: 'Caption', json: JSON.stringify(caption) }));
  await bridge.call('batches.queue', { serviceId, workflowId: workflow.id, spec: {}, label: 'Captions' });
  await page.goto(`${app.url}#/queue`);
  const text = page.getByTestId('queue-job-text');
  await expect(text.locator('p')).toHaveText(words, { timeout: 20_000 });
  await expect(text.getByRole('button', { name: 'Copy text' })).toBeVisible();
  await shootBothThemes(page, { file: (theme) => `queue-text-output-${theme}.png`, axeLabel: 'text output' });
});

test('a PreviewImage output waits on its job in the Queue and enters the Gallery when kept', async ({ page }) => {
  const previewing = {
    '1': { class_type: 'EmptyImage', inputs: { width: 512, height: 512, batch_size: 1, color: 2_250_000 } },
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'inverted' } },
    '4': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
  };
  const workflow = z
    .object({ id: z.string() })
    .parse(await bridge.call('workflows.import', { name: 'Invert with preview', json: JSON.stringify(previewing) }));
  const batch = z
    .object({ id: z.string() })
    .parse(await bridge.call('batches.queue', { serviceId, workflowId: workflow.id, spec: {}, label: 'Previews' }));
  // The Gallery's own view of the batch: the saved image only.
  const listed = async (previews: boolean) =>
    z
      .object({ total: z.number() })
      .parse(await bridge.call('gallery.page', { filters: { batchId: batch.id, ...(previews ? { previews } : {}) } }))
      .total;
  await expect.poll(() => listed(true), { timeout: 20_000 }).toBe(2);
  expect(await listed(false)).toBe(1);

  await page.goto(`${app.url}#/queue`);
  const waiting = page.getByTestId('queue-job-previews');
  await expect(waiting).toContainText('1 preview', { timeout: 20_000 });
  await shootBothThemes(page, { file: (theme) => `queue-preview-${theme}.png`, axeLabel: 'preview on a job' });

  await waiting.getByRole('button', { name: 'Keep' }).click();
  await expect(waiting).toHaveCount(0);
  await expect.poll(() => listed(false)).toBe(2);
  await page.goto(`${app.url}#/gallery`);
  await expect(page.getByTestId('tile-preview')).toHaveCount(0);
});

test('a preview opened from the Queue shows with its batch, marked, and can be kept from the viewer', async ({
  page,
}) => {
  const previewing = {
    '1': { class_type: 'EmptyImage', inputs: { width: 512, height: 512, batch_size: 1, color: 9_000_000 } },
    '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
  };
  const workflow = z
    .object({ id: z.string() })
    .parse(await bridge.call('workflows.import', { name: 'Preview only', json: JSON.stringify(previewing) }));
  await bridge.call('batches.queue', { serviceId, workflowId: workflow.id, spec: {}, label: 'Only a preview' });
  await page.goto(`${app.url}#/queue`);
  const waiting = page.getByTestId('queue-job-previews');
  await expect(waiting).toHaveCount(1, { timeout: 20_000 });
  const row = page.getByTestId('queue-job').filter({ has: waiting });
  await row.getByRole('button', { name: 'Open this image in the gallery' }).click();

  const lightbox = page.getByRole('dialog', { name: 'Image viewer' });
  await expect(lightbox.getByTestId('lightbox-preview')).toBeVisible({ timeout: 10_000 });
  await expect(page.getByRole('checkbox', { name: 'Previews' })).toBeChecked();
  await page.screenshot({ path: 'test/e2e/screenshots/gallery-preview-viewer-dark.png', animations: 'disabled' });
  await lightbox.getByRole('button', { name: 'Keep' }).click();
  await expect(lightbox.getByText('Kept: it is in the Gallery now.')).toBeVisible();
  await expect(lightbox.getByTestId('lightbox-preview')).toHaveCount(0);
});
