// The Gallery page end to end, on an app server and simulator of its own (the shared app's gallery must stay empty for
// the other specs): a batch queued through the contract appears in the grid image by image while the page is open;
// the lightbox opens, moves with the keyboard, favorites with F and zooms; Re-run opens Compose; the OSS browser lists
// the service's output folder and imports from it. Screenshots of grid, lightbox and OSS browser in both themes and
// in zh-CN go to test/e2e/screenshots/.
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { z } from 'zod';
import { Ledger } from '../../main/ledger/ledger';
import { openLedgerDatabase } from '../../main/ledger/ledger-database';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService, simOssMount } from './support/sim-services';

test.use({ locale: 'en-US', colorScheme: 'dark' });

const shoot = (page: Page, name: string) =>
  shootBothThemes(page, { file: (theme) => `gallery-${name}-${theme}.png`, axeLabel: name });

const PROMPTS = ['a red fox in the snow', 'a blue owl at night', 'a green frog on a leaf'];

let app: OwnApp;
let bridge: BridgeClient;
let batchServiceId = '';

test.beforeAll(async () => {
  app = await startOwnApp(ownDataDir('gallery'), 'gallery');
  bridge = await BridgeClient.connect(app.url);
  // The batch's service fetches through /view; a second record with the simulator's OSS mount is the one browsed.
  batchServiceId = await createService(bridge, {
    name: 'Gallery Sim',
    url: app.sim.exclusive.url,
    token: app.sim.exclusive.token,
  });
  await createService(bridge, {
    name: 'Gallery OSS',
    url: app.sim.exclusive.url,
    token: app.sim.exclusive.token,
    oss: simOssMount(app.sim),
  });
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

test('a batch appears live; the lightbox navigates, favorites and re-runs; the OSS browser imports', async ({
  page,
}) => {
  await page.goto(`${app.url}#/gallery`);
  await expect(page.getByRole('heading', { name: 'No images yet' })).toBeVisible();

  const workflows = z
    .array(z.object({ id: z.string(), source: z.string() }))
    .parse(await bridge.call('workflows.list'));
  const starter = workflows.find((workflow) => workflow.source === 'starter');
  expect(starter).toBeDefined();
  await bridge.call('batches.queue', {
    serviceId: batchServiceId,
    workflowId: starter?.id,
    spec: { prompts: PROMPTS, seeds: { mode: 'random' } },
    label: 'Gallery e2e',
  });

  // Live: the page was open before the batch was queued, and nothing reloads it.
  const grid = page.getByRole('region', { name: 'Images' });
  for (const prompt of PROMPTS) await expect(grid.getByRole('button', { name: prompt })).toBeVisible();
  await expect(grid.locator('img')).toHaveCount(3);
  await expect(page.getByText('Images: 3')).toBeVisible();
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll<HTMLImageElement>('.gallery-grid img')).every((img) => img.naturalWidth > 0),
  );
  await shoot(page, 'grid');

  // Each tile names its prompt (whole on hover) and seed, under a thumbnail that stays square.
  const captions = grid.getByTestId('tile-caption');
  await expect(captions).toHaveCount(3);
  for (const prompt of PROMPTS) await expect(captions.getByTitle(prompt)).toHaveText(prompt);
  await expect(captions.first()).toContainText(/Seed \d+/);
  const tileBox = await grid.getByRole('button').first().boundingBox();
  expect(tileBox && Math.abs(tileBox.width - tileBox.height)).toBeLessThan(2);

  // Newest first: the last prompt of the batch finished last and is at the top.
  const tiles = grid.getByRole('button');
  await tiles.first().dblclick();
  const lightbox = page.getByRole('dialog', { name: 'Image viewer' });
  await expect(lightbox).toBeVisible();
  await expect(lightbox.getByText('1 of 3')).toBeVisible();
  await expect(lightbox.getByRole('term').filter({ hasText: 'Seed' })).toBeVisible();
  await expect(lightbox.getByRole('definition').filter({ hasText: 'Gallery Sim' })).toBeVisible();
  // The batch and job by name, their ids only behind a copy button.
  const batchRef = lightbox.getByTestId('lightbox-batch');
  await expect(batchRef.getByRole('button', { name: 'Gallery e2e' })).toBeVisible();
  await expect(batchRef.getByRole('button', { name: 'Copy ID (Batch)' })).toHaveAttribute('title', /^[0-9a-f-]{36}$/);
  const openPrompt = (await lightbox.locator('.lightbox__prompt p').first().innerText()).trim();
  await expect(lightbox.getByTestId('lightbox-job')).toContainText(openPrompt);
  await expect(lightbox.getByTestId('lightbox-job').getByRole('button', { name: 'Copy ID (Job)' })).toBeVisible();
  expect(await lightbox.locator('.lightbox__facts').innerText()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  await page.keyboard.press('ArrowRight');
  await expect(lightbox.getByText('2 of 3')).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  await expect(lightbox.getByText('2 of 3')).toBeVisible();
  const shownPrompt = (await lightbox.locator('.lightbox__prompt p').first().innerText()).trim();
  expect(PROMPTS).toContain(shownPrompt);
  await page.keyboard.press('f');
  await expect(lightbox.getByRole('button', { name: /Favorited/ })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('+');
  await expect(lightbox.getByText('150%')).toBeVisible();
  await page.keyboard.press('0');
  await expect(lightbox.getByText('100%')).toBeVisible();
  await shoot(page, 'lightbox');
  await page.keyboard.press('Escape');
  await expect(lightbox).toBeHidden();
  await expect(grid.getByRole('button', { name: shownPrompt })).toContainText('★');

  // Favorites filter: the one favorited.
  await page.getByRole('checkbox', { name: 'Favorites' }).check();
  await expect(grid.getByRole('button')).toHaveCount(1);
  await page.getByRole('checkbox', { name: 'Favorites' }).uncheck();
  await expect(grid.getByRole('button')).toHaveCount(3);

  // Multi-select: click, Ctrl+click, then Ctrl+A.
  await tiles.nth(0).click();
  await tiles.nth(2).click({ modifiers: ['Control'] });
  await expect(page.getByText('Selected: 2')).toBeVisible();
  await tiles.nth(1).click();
  await tiles.nth(2).click({ modifiers: ['Shift'] });
  await expect(page.getByText('Selected: 2')).toBeVisible();
  await expect(tiles.nth(0)).toHaveAttribute('aria-pressed', 'false');
  // Arrow keys move between tiles; Enter opens the focused one.
  await page.keyboard.press('ArrowLeft');
  await expect(tiles.nth(1)).toBeFocused();
  await grid.focus();
  await page.keyboard.press('Control+a');
  await expect(page.getByText('Selected: 3')).toBeVisible();
  await page.getByRole('button', { name: 'Clear selection' }).click();

  // The OSS browser: the simulator wrote the batch's outputs to its bucket; the OSS service has not imported them.
  await page.getByRole('button', { name: 'Browse OSS' }).click();
  const oss = page.getByRole('dialog', { name: 'Import from OSS' });
  await expect(oss.getByRole('combobox', { name: 'Service' })).toHaveValue(/.+/);
  const files = oss.getByRole('checkbox');
  await expect(files.first()).toBeVisible();
  await files.first().check();
  await shoot(page, 'oss');
  await oss.getByRole('button', { name: 'Import selected (1)' }).click();
  await expect(oss.getByRole('status')).toContainText('Importing 1');
  // Once indexed, the imported file is marked on the page.
  await expect(oss.getByRole('listitem').filter({ hasText: 'In gallery' })).toHaveCount(1);
  await oss.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByText('Images: 4')).toBeVisible();

  // The viewer's batch link opens that batch in the Queue; a finished job's thumbnail there opens its image here.
  // the last of that name: the OSS import above carries the same prompt and is newer
  await grid.getByRole('button', { name: PROMPTS[0] }).last().dblclick();
  await lightbox.getByTestId('lightbox-batch').getByRole('button', { name: 'Gallery e2e' }).click();
  await expect(page).toHaveURL(/#\/queue$/);
  await expect(page.getByRole('combobox', { name: 'Batch' })).not.toHaveValue('');
  const queueJobs = page.getByTestId('queue-job');
  await expect(queueJobs).toHaveCount(3);
  const queueJob = queueJobs.filter({ hasText: PROMPTS[1] ?? '' });
  await queueJob.getByRole('button', { name: 'Open this image in the gallery' }).click();
  await expect(page).toHaveURL(/#\/gallery$/);
  await expect(lightbox).toBeVisible();
  await expect(lightbox.locator('.lightbox__prompt p').first()).toHaveText(PROMPTS[1] ?? '');
  await page.keyboard.press('Escape');
  await page.getByRole('combobox', { name: 'Batch' }).selectOption('');
  await expect(page.getByText('Images: 4')).toBeVisible();

  // Re-run: Compose opens with the image's workflow and parameters.
  await tiles.nth(1).dblclick();
  await lightbox.getByRole('button', { name: 'Re-run' }).click();
  await expect(page).toHaveURL(/#\/compose$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compose');

  // A ComfyUI PNG dropped on another page opens its workflow in Compose (a synthetic drop: Playwright has no OS drag).
  await page.goto(`${app.url}#/gallery`);
  const thumb = await grid.locator('img').first().getAttribute('src');
  expect(thumb).toMatch(/thumb256$/);
  const dropped = await page.evaluateHandle(
    async (src) => {
      const bytes = await (await fetch(src)).arrayBuffer();
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'dropped-workflow.png', { type: 'image/png' }));
      return transfer;
    },
    (thumb ?? '').replace(/thumb256$/, 'original'),
  );
  await page.dispatchEvent('main', 'drop', { dataTransfer: dropped });
  await expect(page).toHaveURL(/#\/compose$/);
  const names = z.array(z.object({ name: z.string() })).parse(await bridge.call('workflows.list'));
  expect(names.map((workflow) => workflow.name)).toContain('dropped-workflow');

  // The same grid and lightbox in Chinese.
  await bridge.call('settings.update', { language: 'zh-CN' });
  try {
    await page.goto(`${app.url}#/gallery`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('图库');
    const zhGrid = page.getByRole('region', { name: '图片' });
    await expect(zhGrid.locator('img')).toHaveCount(4);
    for (const theme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.screenshot({ path: `test/e2e/screenshots/gallery-grid-${theme}-zh-CN.png`, animations: 'disabled' });
    }
    await zhGrid.getByRole('button').first().dblclick();
    await expect(page.getByRole('dialog', { name: '图片查看器' })).toBeVisible();
    await expect(page.getByText('第 1 张，共 4 张')).toBeVisible();
    await page.screenshot({ path: 'test/e2e/screenshots/gallery-lightbox-light-zh-CN.png', animations: 'disabled' });
  } finally {
    await bridge.call('settings.update', { language: 'system' });
  }
});

/**
 * A data folder whose gallery index holds `count` images (rows only: no cached files, so every media request 404s).
 * With `missing`, the newest is one intake gave up on, its error stored as main stores it: English and code.
 */
function seededDataDir(count: number, missing?: { error: string; code: string; params: object }): string {
  const dataDir = ownDataDir('gallery-seeded');
  const file = join(dataDir, 'jobs.sqlite');
  Ledger.open(file).close(); // creates the schema
  const db = openLedgerDatabase(file);
  const result = db.prepare(
    `INSERT INTO results (id, service_id, identity, job_id, external, outputs, received_at)
     VALUES (?, 'svc', ?, NULL, 1, '[]', ?)`,
  );
  const image = db.prepare(
    `INSERT INTO images (id, result_id, service_id, node, kind, filename, subfolder, type, state, positive, seed,
       created_at, favorite, external, listed_at, media)
     VALUES (?, ?, 'svc', '9', 'images', ?, '', 'output', 'fetched', ?, ?, ?, 0, 1, ?, 'image')`,
  );
  const t0 = Date.now() - count * 1000;
  db.transaction(() => {
    for (let i = 1; i <= count; i++) {
      const created = t0 + i * 1000;
      result.run(i, `identity-${i}`, created);
      image.run(i, i, `ComfyUI_${String(i).padStart(5, '0')}_.png`, `seeded image ${i}`, String(i), created, created);
    }
  })();
  if (missing) {
    db.prepare(`UPDATE images SET state = 'missing', error = ?, error_code = ?, error_params = ? WHERE id = ?`).run(
      missing.error,
      missing.code,
      JSON.stringify(missing.params),
      count,
    );
  }
  db.close();
  return dataDir;
}

const MISSING = {
  error: 'oss-object-missing, stored English',
  code: 'oss-object-missing',
  params: { bucket: 'artlab-out' },
};

for (const [locale, position, why] of [
  ['en-US', '1 of 250', 'The object is not in the bucket “artlab-out”.'],
  ['zh-CN', '第 1 张，共 250 张', '存储桶“artlab-out”中没有该对象。'],
] as const) {
  test.describe(locale, () => {
    test.use({ locale });
    test(`the viewer says where the artist is among all matching images, and why one is missing (${locale})`, async ({
      page,
    }) => {
      const seeded = await startOwnApp(seededDataDir(250, MISSING), 'gallery-missing');
      try {
        await page.goto(`${seeded.url}#/gallery`);
        const grid = page.getByRole('region', { name: locale === 'en-US' ? 'Images' : '图片' });
        await grid.getByRole('button').first().dblclick();
        const viewer = page.getByRole('dialog', { name: locale === 'en-US' ? 'Image viewer' : '图片查看器' });
        // 250 match; only the first page (60) is loaded: the position counts them all.
        await expect(viewer.locator('.lightbox__position')).toHaveText(position);
        await expect(viewer.locator('.lightbox__why')).toContainText(why);
        await expect(viewer).not.toContainText('stored English');
        await page.screenshot({
          path: `test/e2e/screenshots/gallery-lightbox-missing-dark-${locale}.png`,
          animations: 'disabled',
        });
      } finally {
        await seeded.stop();
      }
    });
  });
}

test('10,000 images: the first screen comes quickly, only visible tiles are in the page, and scrolling pages on', async ({
  page,
}) => {
  const big = await startOwnApp(seededDataDir(10_000), 'gallery');
  try {
    const started = Date.now();
    await page.goto(`${big.url}#/gallery`);
    const grid = page.getByRole('region', { name: 'Images' });
    await expect(grid.getByRole('button', { name: 'seeded image 10000', exact: true })).toBeVisible();
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(page.getByText('Images: 10000')).toBeVisible();
    // Virtualized: a screenful of tiles, not 10,000 (nor even the 200 of the first page).
    expect(await grid.getByRole('button').count()).toBeLessThan(120);
    // Files that cannot be loaded are "missing — retry" tiles, never broken images.
    await expect(grid.getByRole('button').first()).toContainText('Missing');
    await expect(grid.locator('img')).toHaveCount(0);
    await page.screenshot({ path: 'test/e2e/screenshots/gallery-10k-missing-dark.png', animations: 'disabled' });

    // Scrolled to the end, the pages between are fetched and the oldest image shows.
    const oldest = grid.getByRole('button', { name: 'seeded image 1', exact: true });
    await expect(async () => {
      // Each scroll to the bottom asks for the next page; the one after it arrives extends the grid again.
      await grid.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
      await expect(oldest).toBeVisible({ timeout: 500 });
    }).toPass({ timeout: 30_000 });
    expect(await grid.getByRole('button').count()).toBeLessThan(120);
  } finally {
    await big.stop();
  }
});
