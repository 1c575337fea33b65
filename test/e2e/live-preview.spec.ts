// A running job shows what its PreviewImage node showed before the job's result arrives (Exclusive edition: ComfyUI's
// `executed` frame), also when the Queue opens after the picture came. Screenshots in both themes.
import { expect, test } from '@playwright/test';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService } from './support/sim-services';

test.use({ locale: 'en-US', colorScheme: 'dark' });

let app: OwnApp;
let bridge: BridgeClient;
let serviceId: string;

test.beforeAll(async () => {
  // 400 sampler steps of 50 ms: the job runs for 20 s after its preview.
  app = await startOwnApp(ownDataDir('live-preview'), 'live-preview', ['--step-ms', '50']);
  bridge = await BridgeClient.connect(app.url);
  serviceId = await createService(bridge, {
    name: 'Studio box',
    url: app.sim.exclusive.url,
    token: app.sim.exclusive.token,
  });
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

test('a running job shows what its preview node showed, before its result', async ({ page }) => {
  const slow = {
    '1': { class_type: 'EmptyImage', inputs: { width: 512, height: 512, batch_size: 1, color: 4_500_000 } },
    '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    '10': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
    '11': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
    '12': { class_type: 'CLIPTextEncode', inputs: { text: 'a slow owl', clip: ['10', 1] } },
    '13': {
      class_type: 'KSampler',
      inputs: {
        model: ['10', 0],
        positive: ['12', 0],
        negative: ['12', 0],
        latent_image: ['11', 0],
        seed: 1,
        steps: 400,
        cfg: 7,
        sampler_name: 'euler',
        scheduler: 'normal',
        denoise: 1,
      },
    },
    '14': { class_type: 'VAEDecode', inputs: { samples: ['13', 0], vae: ['10', 2] } },
    '15': { class_type: 'SaveImage', inputs: { images: ['14', 0], filename_prefix: 'slow' } },
  };
  const workflow = z
    .object({ id: z.string() })
    .parse(await bridge.call('workflows.import', { name: 'Slow owl', json: JSON.stringify(slow) }));
  await bridge.call('batches.queue', { serviceId, workflowId: workflow.id, spec: {}, label: 'Slow owl' });
  await page.goto(`${app.url}#/queue`);
  const live = page.getByTestId('queue-job-live');
  await expect(live).toBeVisible({ timeout: 20_000 });
  await expect.poll(() => live.evaluate((element: HTMLImageElement) => element.naturalWidth)).toBe(512);
  await shootBothThemes(page, { file: (theme) => `queue-live-preview-${theme}.png`, axeLabel: 'live preview' });
});
