// A batch shared by three services (two Exclusive, one API edition) in the Queue: its header names the members, and
// the service filter finds it under any of them. Runs its own app; screenshots in English and Chinese, both themes.
import { expect, test, type Page } from '@playwright/test';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService, simOssMount } from './support/sim-services';

const LABEL = 'Lighthouse studies across the pool';

let app: OwnApp;
let bridge: BridgeClient;
const serviceIds: string[] = [];

test.beforeAll(async () => {
  app = await startOwnApp(ownDataDir('queue-pool'), 'queue-pool');
  bridge = await BridgeClient.connect(app.url);
  const { exclusive, queue } = app.sim;
  serviceIds.push(
    await createService(bridge, { name: 'Studio A', url: exclusive.url, token: exclusive.token }),
    await createService(bridge, { name: 'Studio B', url: exclusive.url, token: exclusive.token }),
    await createService(bridge, { name: 'Render farm', url: queue.url, token: queue.token, oss: simOssMount(app.sim) }),
  );
  const workflows = z
    .array(z.object({ id: z.string(), source: z.string() }))
    .parse(await bridge.call('workflows.list'));
  const starter = workflows.find((workflow) => workflow.source === 'starter');
  if (!starter) throw new Error('no starter workflow');
  const batch = z.object({ id: z.string() }).parse(
    await bridge.call('batches.queue', {
      serviceIds,
      workflowId: starter.id,
      label: LABEL,
      spec: { prompts: ['a lighthouse at dawn, oil painting'], seeds: { mode: 'random' }, countPerPrompt: 9 },
    }),
  );
  await expect
    .poll(
      async () =>
        z.object({ finished: z.boolean() }).parse(await bridge.call('batches.get', { batchId: batch.id })).finished,
      {
        timeout: 30_000,
      },
    )
    .toBe(true);
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

async function openQueue(page: Page, heading: string): Promise<void> {
  await page.goto(`${app.url}#/queue`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  await expect(page.getByTestId('queue-batch').first()).toBeVisible();
}

test.describe('in English', () => {
  test.use({ locale: 'en-US', colorScheme: 'dark' });

  test('names a pool batch by its members, and finds it under each', async ({ page }) => {
    await openQueue(page, 'Queue');
    const header = page.getByTestId('queue-batch').filter({ hasText: LABEL });
    await expect(header).toContainText('Studio A + Studio B + Render farm');
    await expect(header).not.toContainText('pool:');
    // Each member with its figures: the jobs each did add up to the batch.
    const rows = header.getByTestId('pool-member');
    await expect(rows).toHaveCount(3);
    await expect(header.getByRole('columnheader', { name: 'Jobs/min' })).toBeVisible();
    const done = await rows.evaluateAll((cells) =>
      cells.map((row) => Number(row.querySelectorAll('td')[2]?.textContent?.split(' ')[0] ?? 'NaN')),
    );
    expect(done.reduce((sum, count) => sum + count, 0)).toBe(9);
    await expect(rows.filter({ hasText: 'Render farm' })).toContainText('Active');
    await shootBothThemes(page, { file: (theme) => `queue-pool-en-${theme}.png`, axeLabel: 'queue pool' });
    await page.getByRole('combobox', { name: 'Service' }).selectOption({ label: 'Render farm' });
    await expect(header).toBeVisible();
  });
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN', colorScheme: 'dark' });

  test('names a pool batch by its members', async ({ page }) => {
    await openQueue(page, '队列');
    await expect(page.getByTestId('queue-batch').filter({ hasText: LABEL })).toContainText(
      'Studio A + Studio B + Render farm',
    );
    await expect(page.getByRole('columnheader', { name: '任务/分钟' })).toBeVisible();
    await shootBothThemes(page, { file: (theme) => `queue-pool-zh-CN-${theme}.png` });
  });
});
