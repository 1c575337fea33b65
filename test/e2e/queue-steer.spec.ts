// Steering a running batch from the Queue: a service joins a batch sent to one (its stopped GPU started first, once
// the artist says so; it shows "Starting" until it answers), and a job not sent yet is pinned to one member. Runs its
// own app with slow rendering and a slow simulated start; screenshots in English and Chinese.
import { expect, test, type Page } from '@playwright/test';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService, simOssMount } from './support/sim-services';
import { simControlSettings } from '../sim/control-settings';

let app: OwnApp;
let bridge: BridgeClient;
let starterId: string;
const ids: Record<string, string> = {};

test.beforeAll(async () => {
  app = await startOwnApp(ownDataDir('queue-steer'), 'queue-steer', ['--placement-ms', '60000', '--step-ms', '400']);
  bridge = await BridgeClient.connect(app.url);
  const { exclusive, queue } = app.sim;
  // Night GPU is the API edition, whose GPU the app controls; the two studios are Exclusive (they take a few jobs at
  // a time, so the batch keeps jobs not sent yet).
  ids.night = await createService(bridge, {
    name: 'Night GPU',
    url: queue.url,
    token: queue.token,
    oss: simOssMount(app.sim),
    control: { ...simControlSettings(app.sim), serviceName: app.sim.control.services.queue },
  });
  ids.farm = await createService(bridge, { name: 'Studio A', url: exclusive.url, token: exclusive.token });
  ids.spare = await createService(bridge, { name: 'Studio B', url: exclusive.url, token: exclusive.token });
  await bridge.call('services.stop', { serviceId: ids.night });
  await expect
    .poll(
      async () =>
        z.object({ status: z.string() }).parse(await bridge.call('services.lifecycle', { serviceId: ids.night }))
          .status,
      { timeout: 10_000 },
    )
    .toBe('Stopped');
  const workflows = z
    .array(z.object({ id: z.string(), source: z.string() }))
    .parse(await bridge.call('workflows.list'));
  starterId = workflows.find((workflow) => workflow.source === 'starter')?.id ?? '';
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

async function queueOnStudio(label: string): Promise<string> {
  const batch = await bridge.call('batches.queue', {
    serviceId: ids.farm,
    workflowId: starterId,
    label,
    spec: { prompts: ['a harbour at night, gouache'], seeds: { mode: 'random' }, countPerPrompt: 40 },
  });
  return z.object({ id: z.string() }).parse(batch).id;
}

async function openQueue(page: Page, heading: string, label: string) {
  await page.goto(`${app.url}#/queue`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  const header = page.getByTestId('queue-batch').filter({ hasText: label });
  await expect(header).toBeVisible();
  return header;
}

test.describe('in English', () => {
  test.use({ locale: 'en-US', colorScheme: 'dark' });

  test('adds a stopped service to a running batch once the artist starts it, and pins a job', async ({ page }) => {
    const label = 'Harbour studies';
    const batchId = await queueOnStudio(label);
    const header = await openQueue(page, 'Queue', label);

    await header.getByRole('combobox', { name: 'Service to add' }).selectOption({ label: 'Night GPU' });
    await header.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(header.getByRole('alert')).toContainText('The GPU of “Night GPU” is not running (EAS: Stopped).');
    await header.getByRole('button', { name: 'Start it and add' }).click();

    const rows = header.getByTestId('pool-member');
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: 'Night GPU' })).toContainText('Starting');
    await expect(rows.filter({ hasText: 'Night GPU' })).toContainText('Its GPU is starting');
    await expect(header).toContainText('Studio A + Night GPU');

    await header.getByRole('combobox', { name: 'Service to add' }).selectOption({ label: 'Studio B' });
    await header.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(rows).toHaveCount(3);

    // Job #30, not sent yet, goes to Studio B and nowhere else.
    const job = page.getByTestId('queue-job').filter({ hasText: '#30' });
    await page.getByTestId('queue-list').evaluate((list) => list.scrollBy(0, 2_000));
    const pin = job.getByRole('combobox', { name: 'Service for this job' });
    await pin.selectOption({ label: 'Studio B' });
    await expect(pin).toHaveValue(ids.spare ?? '');
    await page.getByTestId('queue-list').evaluate((list) => list.scrollTo(0, 0));
    await header.scrollIntoViewIfNeeded();
    await shootBothThemes(page, { file: (theme) => `queue-steer-en-${theme}.png`, axeLabel: 'queue steer' });
    await bridge.call('batches.cancel', { batchId });
  });
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN', colorScheme: 'dark' });

  test('shows a member starting and the service for a job', async ({ page }) => {
    const label = '港口夜景';
    const batchId = await queueOnStudio(label);
    await bridge.call('batches.addMember', { batchId, serviceId: ids.night, startService: true });
    const header = await openQueue(page, '队列', label);
    await expect(header.getByTestId('pool-member').filter({ hasText: 'Night GPU' })).toContainText('启动中');
    await expect(page.getByRole('combobox', { name: '此任务使用的服务' }).first()).toBeVisible();
    await shootBothThemes(page, { file: (theme) => `queue-steer-zh-CN-${theme}.png` });
    await bridge.call('batches.cancel', { batchId });
  });
});
