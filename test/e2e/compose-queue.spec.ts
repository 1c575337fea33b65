// Compose and Queue end to end, on an app server and simulator of their own (the shared app's queue stays empty for
// the other specs): on each edition, a batch of 6 from the starter (2 prompts × 3 seeds) is composed, previewed as 6,
// queued with one click and watched to success in the Queue page, thumbnails included; in a second, paused batch one
// job is cancelled, then retried and finished. Screenshots (compose filled, queue running, queue done) in both themes.
import { expect, test, type Page } from '@playwright/test';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService, simOssMount } from './support/sim-services';

test.use({ locale: 'en-US', colorScheme: 'dark' });

const shoot = (page: Page, name: string) =>
  shootBothThemes(page, { file: (theme) => `compose-queue-${name}-${theme}.png`, axeLabel: name });

const PROMPTS = ['a lighthouse at dawn, oil painting', 'a quiet mountain lake, watercolor'];
const SEEDS = '101, 202, 303';

let app: OwnApp;
let bridge: BridgeClient;
const serviceIds: string[] = [];

test.beforeAll(async () => {
  // 20 sampler steps of 50 ms: a job takes a second, so most of a batch of 120 is still waiting (and its first waiting
  // rows in view) when it is paused; quick prompts are confirmed at once from ComfyUI's frames.
  app = await startOwnApp(ownDataDir('compose-queue'), 'compose-queue', ['--step-ms', '50']);
  bridge = await BridgeClient.connect(app.url);
  serviceIds.push(
    await createService(bridge, { name: 'Sim Exclusive', url: app.sim.exclusive.url, token: app.sim.exclusive.token }),
    await createService(bridge, {
      name: 'Sim Queue',
      url: app.sim.queue.url,
      token: app.sim.queue.token,
      oss: simOssMount(app.sim),
    }),
  );
});

test.afterAll(async () => {
  for (const id of serviceIds) await bridge.call('services.delete', { id }).catch(() => undefined);
  bridge.close();
  await app.stop();
});

// React warnings and failed loads show up as console errors: none is expected on these pages.
let consoleErrors: string[] = [];
test.beforeEach(({ page }) => {
  consoleErrors = [];
  page.on('console', (message) => {
    // The browser's own favicon request is the shell's business, not these pages'.
    const where = message.location().url;
    if (message.type() === 'error' && !where.endsWith('/favicon.ico')) consoleErrors.push(`${message.text()} ${where}`);
  });
});
test.afterEach(() => {
  expect(consoleErrors).toEqual([]);
});

async function compose(page: Page, service: string, label: string) {
  await page.goto(`${app.url}#/compose`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compose');
  await expect(page.getByRole('combobox', { name: 'Workflow' })).toHaveValue(/.+/);
  await page.getByRole('combobox', { name: 'Service' }).selectOption({ label: service });
  await page.getByRole('textbox', { name: 'Prompts' }).fill(PROMPTS.join('\n'));
  await page.getByRole('combobox', { name: 'Seeds' }).selectOption('list');
  await page.getByRole('textbox', { name: 'Seeds' }).fill(SEEDS);
  await page.getByRole('textbox', { name: 'Batch label (optional)' }).fill(label);
  await expect(page.getByTestId('preview-total')).toHaveText('6 jobs');
}

/**
 * Waits for Compose to say the batch was queued. A refusal shows as an alert instead: its words are the failure, so a
 * run that goes wrong says why rather than only that the notice never came.
 */
async function expectQueued(page: Page, jobs: number) {
  const queued = page.getByRole('status').filter({ hasText: `Queued ${jobs} jobs` });
  const alerts = page.getByRole('alert');
  try {
    await expect(queued.or(alerts).first()).toBeVisible({ timeout: 15_000 });
  } catch (error) {
    throw new Error(`${String(error)}\n\nWhat the app showed and held then:\n${await composeState(page)}`);
  }
  expect(await alerts.allTextContents()).toEqual([]);
  await expect(queued).toBeVisible();
}

/** For a failure message: the Compose page as read by a screen reader, and the batches main holds. */
async function composeState(page: Page): Promise<string> {
  const snapshot = await page
    .locator('main')
    .ariaSnapshot({ timeout: 2_000 })
    .catch((error: unknown) => `(no snapshot: ${String(error)})`);
  const batches = await bridge
    .call('batches.list', {})
    .then((list) => JSON.stringify(z.array(z.object({ label: z.string(), total: z.number() })).parse(list)))
    .catch((error: unknown) => `(no batch list: ${String(error)})`);
  return `${snapshot}\nbatches: ${batches}`;
}

/** Ctrl+Enter, once the form is ready to queue as the artist sees it: the Queue button is enabled. */
async function pressQueue(page: Page) {
  await expect(page.getByTestId('queue-batch')).toBeEnabled();
  await page.keyboard.press('Control+Enter');
}

async function openBatch(page: Page, label: string) {
  await page.goto(`${app.url}#/queue`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Queue');
  await page.getByRole('combobox', { name: 'Batch' }).selectOption({ label });
}

for (const edition of ['Exclusive', 'API edition (queue)'] as const) {
  test(`a batch of 6 from the starter runs to success on ${edition}`, async ({ page }) => {
    const service = edition === 'Exclusive' ? 'Sim Exclusive' : 'Sim Queue';
    const label = `Six on ${service}`;
    await compose(page, `${service} · ${edition}`, label);
    const slug = edition === 'Exclusive' ? 'exclusive' : 'queue';
    if (slug === 'exclusive') await shoot(page, 'compose-filled');

    await pressQueue(page);
    await expectQueued(page, 6);
    await page.getByRole('button', { name: 'Open the queue' }).click();
    await expect(page).toHaveURL(/#\/queue$/);
    await page.getByRole('combobox', { name: 'Batch' }).selectOption({ label });
    const jobs = page.getByTestId('queue-job');
    await expect(jobs).toHaveCount(6);
    if (slug === 'exclusive') await shoot(page, 'queue-running');

    await expect(page.locator('[data-testid="queue-job"][data-state="succeeded"]')).toHaveCount(6, {
      timeout: 45_000,
    });
    await expect(page.locator('.queue-job__thumb img')).toHaveCount(6, { timeout: 20_000 });
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>('.queue-job__thumb img')).every(
        (img) => img.naturalWidth > 0,
      ),
    );
    await expect(page.getByText('6 of 6 done')).toBeVisible();
    await shoot(page, `queue-done-${slug}`);
  });
}

test('a job of a paused batch is cancelled, retried, and finishes', async ({ page }) => {
  const label = 'Cancel and retry';
  await compose(page, 'Sim Exclusive · Exclusive', label);
  // Enough jobs that some are still waiting locally when the pause lands, however fast the simulator is.
  await page.getByRole('textbox', { name: 'Images per prompt' }).fill('20');
  await expect(page.getByTestId('preview-total')).toHaveText('120 jobs');
  await page.getByRole('button', { name: /^Queue 120/ }).click();
  await expectQueued(page, 120);
  await openBatch(page, label);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByText(/Paused/)).toBeVisible();

  // The first job still waiting, held by its number (its state, and so a state selector, is about to change).
  const waiting = page.locator('[data-testid="queue-job"][data-state="pending"]').first();
  const number = (await waiting.locator('.queue-job__meta > span').first().innerText()).trim();
  const job = page.getByTestId('queue-job').filter({ has: page.getByText(number, { exact: true }) });
  await job.getByRole('button', { name: 'Cancel' }).click();
  await expect(job).toHaveAttribute('data-state', 'cancelled');
  await expect(page.getByText(/Cancelled 1/)).toBeVisible();
  await job.getByRole('button', { name: 'Retry' }).click();
  await expect(job).toHaveAttribute('data-state', 'pending');

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(job).toHaveAttribute('data-state', 'succeeded', { timeout: 45_000 });
  await page.getByRole('button', { name: 'Cancel remaining' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toHaveCount(0, { timeout: 20_000 });
});

test('Compose and Queue read well in Chinese', async ({ page }) => {
  await bridge.call('settings.update', { language: 'zh-CN' });
  try {
    await page.goto(`${app.url}#/compose`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('创作');
    await expect(page.getByTestId('preview-total')).toBeVisible();
    for (const theme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await page.screenshot({
        path: `test/e2e/screenshots/compose-queue-compose-${theme}-zh-CN.png`,
        animations: 'disabled',
      });
    }
    await page.goto(`${app.url}#/queue`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('队列');
    await expect(page.getByTestId('queue-job').first()).toBeVisible();
    await expect(page.locator('.queue-job__thumb img').first()).toBeVisible();
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>('.queue-job__thumb img')).every(
        (img) => img.complete && img.naturalWidth > 0,
      ),
    );
    for (const theme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await page.screenshot({
        path: `test/e2e/screenshots/compose-queue-queue-${theme}-zh-CN.png`,
        animations: 'disabled',
      });
    }
  } finally {
    await bridge.call('settings.update', { language: 'system' });
  }
});

test('the library imports, renames, duplicates and deletes; a dropped prompt list fills the prompts; a refused value is said at its field', async ({
  page,
}) => {
  const starter = z
    .array(z.object({ id: z.string(), source: z.string() }))
    .parse(await bridge.call('workflows.list'))
    .find((workflow) => workflow.source === 'starter');
  const { json } = z.object({ json: z.string() }).parse(await bridge.call('workflows.get', { id: starter?.id }));
  await page.goto(`${app.url}#/compose`);
  const picker = page.getByRole('combobox', { name: 'Workflow' });
  await expect(picker).toHaveValue(/.+/);
  // The file pickers behind the buttons are not announced as second buttons of the same name.
  await expect(page.getByRole('button', { name: 'Import…' })).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Load from a .txt file…' })).toHaveCount(1);

  await page.getByTestId('workflow-file').setInputFiles({
    name: 'portrait.json',
    mimeType: 'application/json',
    buffer: Buffer.from(json),
  });
  await expect(picker.locator('option:checked')).toHaveText(/^portrait · Imported JSON/);

  await page.getByRole('button', { name: 'Rename' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename workflow' });
  await rename.getByRole('textbox', { name: 'Name' }).fill('Portrait studio');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(picker.locator('option:checked')).toHaveText(/^Portrait studio/);

  await page.getByRole('button', { name: 'Duplicate' }).click();
  await expect(picker.locator('option')).toHaveCount(3);
  // A prompt list dropped anywhere on the page fills the prompts.
  await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['a red kite\na grey heron\n'], 'prompts.txt', { type: 'text/plain' }));
    const target = document.querySelector('.compose-side');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target?.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
  });
  await expect(page.getByRole('textbox', { name: 'Prompts' })).toHaveValue('a red kite\na grey heron\n');
  await expect(page.getByTestId('preview-total')).toHaveText('2 jobs');

  // Delete the two imported ones by name; the starter stays for the other tests.
  for (let remaining = 2; remaining >= 1; remaining -= 1) {
    const imported = picker.locator('option', { hasText: /^Portrait studio/ }).first();
    await picker.selectOption({ label: (await imported.innerText()).trim() });
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete this workflow?' }).getByRole('button', { name: 'Delete' }).click();
    await expect(picker.locator('option')).toHaveCount(remaining);
  }
  await expect(picker.locator('option')).toHaveText([/^Starter/]);

  const steps = page.getByRole('textbox', { name: 'Steps' });
  await steps.fill('many');
  await expect(steps).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: /^Queue/ })).toBeDisabled();
  await page.getByRole('button', { name: "Reset the form to the workflow's values" }).click();
  await expect(steps).not.toHaveAttribute('aria-invalid', 'true');
});

test('a paused batch of 10,000 jobs pages in as the list scrolls to its end', async ({ page }) => {
  test.setTimeout(120_000);
  const starter = z
    .array(z.object({ id: z.string(), source: z.string() }))
    .parse(await bridge.call('workflows.list'))
    .find((workflow) => workflow.source === 'starter');
  const big = z.object({ id: z.string() }).parse(
    await bridge.call('batches.queue', {
      serviceId: serviceIds[0],
      workflowId: starter?.id,
      spec: { seeds: { mode: 'increment', start: '1' }, countPerPrompt: 10_000 },
      label: 'Ten thousand',
      confirmLarge: true,
    }),
  );
  await bridge.call('batches.pause', { batchId: big.id });
  try {
    await page.goto(`${app.url}#/queue`);
    await page.getByRole('combobox', { name: 'Batch' }).selectOption({ label: 'Ten thousand' });
    const list = page.getByTestId('queue-list');
    await expect(page.getByTestId('queue-job').first()).toBeVisible();
    // Each scroll to the end shows a higher job number once the next page has arrived.
    let last = 0;
    while (last < 10_000) {
      await list.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
      const highest = await page.waitForFunction((previous) => {
        const numbers = Array.from(document.querySelectorAll('.queue-job__meta > span:first-child'), (span) =>
          Number(span.textContent?.slice(1)),
        );
        const max = Math.max(0, ...numbers);
        return max > previous ? max : false;
      }, last);
      last = Number(await highest.jsonValue());
    }
    await expect(page.getByText('#10000', { exact: true })).toBeVisible();
    // Rows in the DOM stay few however far the list goes.
    expect(await page.getByTestId('queue-job').count()).toBeLessThan(60);
    await shoot(page, 'queue-ten-thousand');
  } finally {
    await bridge.call('batches.cancel', { batchId: big.id });
  }
});

test('the queued banner goes once the form is edited; long names fit or end in an ellipsis at 1000px', async ({
  page,
}) => {
  const longName = 'Sim Exclusive with a very long service name that no dropdown of this width can show whole';
  serviceIds.push(
    await createService(bridge, { name: longName, url: app.sim.exclusive.url, token: app.sim.exclusive.token }),
  );
  for (const width of [1280, 1000]) {
    await page.setViewportSize({ width, height: 800 });
    await compose(page, `${longName} · Exclusive`, `Banner at ${width}`);
    // Each field keeps within its card; the whole text of a long choice is its title.
    const service = page.getByRole('combobox', { name: 'Service' });
    await expect(service).toHaveAttribute('title', `${longName} · Exclusive`);
    const checkpoint = page.getByRole('combobox', { name: 'Checkpoint' });
    await expect(checkpoint).toHaveAttribute('title', (await checkpoint.inputValue()) || /.+/);
    for (const control of [service, checkpoint]) {
      const box = await control.boundingBox();
      const card = await control.locator('xpath=ancestor::section[1]').boundingBox();
      expect(box && card && box.x + box.width <= card.x + card.width + 0.5).toBe(true);
    }
    // The two counts say how they differ.
    await expect(page.getByText('Separate jobs for each prompt, each with its own seed.')).toBeVisible();
    await expect(
      page.getByText("The workflow's batch size: this many images from one job and one seed."),
    ).toBeVisible();
    if (width === 1000) await shoot(page, 'compose-narrow');

    await pressQueue(page);
    const banner = page.getByRole('status').filter({ hasText: 'Queued 6 jobs' });
    await expect(banner).toBeVisible();
    await page.getByRole('textbox', { name: 'Prompts' }).fill(PROMPTS[0] ?? '');
    await expect(banner).toBeHidden();
    // A new queueing brings its own banner.
    await pressQueue(page);
    await expect(page.getByRole('status').filter({ hasText: 'Queued 3 jobs' })).toBeVisible();
  }
});
