// A running job shows what its PreviewImage node showed before the job's result arrives (Exclusive edition: ComfyUI's
// `executed` frame), also when the Queue opens after the picture came. Screenshots in both themes.
import { expect, test } from '@playwright/test';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService } from './support/sim-services';
import { slowPreviewWorkflow } from '../sim/output-workflows';

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
  const slow = slowPreviewWorkflow({ steps: 400, color: 4_500_000, size: 512 });
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
