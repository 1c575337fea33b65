// Sentences main makes (health checks, a paused service, a failed job's error, paste notes, refusals) read in Chinese
// on a zh-CN system: main sends codes and the renderer words them. Then a walk through every page and every dialog
// fails on any English sentence that is not data (a prompt, a name the artist gave, the service's own words, a
// product name). Runs its own app (its services and jobs touch no other spec) and saves zh-CN screenshots of each.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { z } from 'zod';
import { BridgeClient } from './support/bridge-client';
import { ownDataDir, startOwnApp, type OwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';
import { createService, simOssMount } from './support/sim-services';

// Language stays on "system": the emulated locale decides it, as on an artist's Chinese machine.
test.use({ locale: 'zh-CN', colorScheme: 'dark' });

type Tree = { [key: string]: Tree | string };
const english = JSON.parse(readFileSync('renderer/i18n/en.json', 'utf8')) as Tree;

/** The fixed words of each English sentence main can send as a code: none may show on a zh-CN page. */
function englishSentences(group: Tree | string | undefined): string[] {
  if (typeof group !== 'object') return [];
  return Object.values(group).flatMap((text) =>
    typeof text === 'string' ? text.split(/\{\{\w+\}\}/).filter((piece) => piece.trim().length >= 12) : [],
  );
}
const servicesTree = english.services;
const queueTree = english.queue;
const forbidden = [
  ...(typeof servicesTree === 'object'
    ? ['codes', 'warningCodes', 'connectionCodes', 'connectionReasons'].flatMap((key) =>
        englishSentences(servicesTree[key]),
      )
    : []),
  ...(typeof queueTree === 'object' ? englishSentences(queueTree.errorKinds) : []),
  // main's own wording, as the English fallback would show it.
  'Ready.',
  'refused the token',
  'could not be reached',
  'Jobs for this service wait',
];

async function expectNoEnglishSentence(page: Page) {
  const text = await page.locator('main').innerText();
  for (const sentence of forbidden) expect(text, `“${sentence}” on a zh-CN page`).not.toContain(sentence.trim());
}

/** Elements whose text is data, not the app's words: what the artist typed, the service's own words, code. */
const DATA_SELECTORS = [
  'textarea',
  '.batch-preview__prompt',
  '.queue-job__error-detail',
  '.sentence-detail',
  'code',
  'pre',
];
/** Data the pages show in Latin letters: names this spec gave, prompts, product and protocol names. */
const PROMPTS = ['a lighthouse at dusk', 'a fox in the snow'];
const DATA_TEXT = [
  'Sim Queue',
  'Sim Exclusive',
  'Wrong token',
  'ArtLab Desktop',
  // ComfyUI's own menu and setting names, quoted as ComfyUI shows them.
  'Workflow → Export (API)',
  'Enable Dev mode Options',
  // ComfyUI's own node names, as the workflow titles them in the parameter form.
  'Empty Latent Image',
  ...PROMPTS,
  'a __fail__ lighthouse',
];

/**
 * Runs of three or more Latin words in the visible text, placeholders and accessible names, once data is removed;
 * each named by the element it is in (`tag.class: words`), so a failure says where to look.
 */
async function englishOn(page: Page): Promise<string[]> {
  const pieces = await page.evaluate((selectors) => {
    const found: [string, string][] = [];
    const where = (element: Element) => `${element.tagName.toLowerCase()}.${element.className}`;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || element.closest(selectors) || !element.checkVisibility()) continue;
      if (element.closest('option') && !element.closest('select')?.checkVisibility()) continue;
      found.push([where(element), node.textContent ?? '']);
    }
    for (const element of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
      if (!element.checkVisibility() || element.closest(selectors)) continue;
      for (const name of ['placeholder', 'aria-label', 'title']) {
        found.push([`${where(element)}[${name}]`, element.getAttribute(name) ?? '']);
      }
    }
    return found;
  }, DATA_SELECTORS.join(', '));
  return pieces.flatMap(([element, piece]) => {
    let text = piece;
    for (const data of DATA_TEXT) text = text.split(data).join(' · ');
    const runs = text.match(/[A-Za-z][A-Za-z'’-]*(?:[ ,]+[A-Za-z][A-Za-z'’-]*){2,}/g) ?? [];
    return runs.map((run) => `${element}: ${run}`);
  });
}

async function expectChinese(page: Page, where: string) {
  expect(await englishOn(page), `English on the zh-CN ${where}`).toEqual([]);
}

const shoot = (page: Page, name: string) => shootBothThemes(page, { file: (theme) => `${name}-${theme}-zh-CN.png` });

let app: OwnApp;
let bridge: BridgeClient;
const ids = { queue: '', exclusive: '', wrong: '' };

test.beforeAll(async () => {
  app = await startOwnApp(ownDataDir('zh-cn'), 'zh-CN');
  bridge = await BridgeClient.connect(app.url);
  const create = (input: object) => createService(bridge, input);
  ids.queue = await create({
    name: 'Sim Queue',
    url: app.sim.queue.url,
    token: app.sim.queue.token,
    oss: simOssMount(app.sim),
  });
  ids.exclusive = await create({ name: 'Sim Exclusive', url: app.sim.exclusive.url, token: app.sim.exclusive.token });
  ids.wrong = await create({
    name: 'Wrong token',
    url: app.sim.exclusive.url,
    token: 'bm90LXRoZS1yaWdodC10b2tlbi0wMDAwMDAw',
  });
});

test.afterAll(async () => {
  bridge.close();
  await app.stop();
});

test('the Services page words health and a refused token in Chinese', async ({ page }) => {
  await page.goto(`${app.url}#/services`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('服务');
  const card = (name: string) =>
    page.getByTestId('service-card').filter({ has: page.getByRole('heading', { name, exact: true }) });
  for (const name of ['Sim Queue', 'Sim Exclusive']) {
    await card(name).getByRole('button', { name: '测试' }).click();
    await expect(card(name).getByTestId('health-badge')).toHaveText('正常');
  }
  await expect(card('Sim Queue')).toContainText('服务接受了令牌并已应答，可以使用。');
  await expect(card('Sim Exclusive')).toContainText(/ComfyUI .*已应答，可以使用。/);
  const wrong = card('Wrong token');
  await wrong.getByRole('button', { name: '测试' }).click();
  await expect(wrong.getByTestId('health-badge')).toHaveText('鉴权失败');
  await expect(wrong).toContainText('服务“Wrong token”拒绝了令牌。请从控制台的调用信息中重新复制令牌。');
  await expectNoEnglishSentence(page);
  // Tall enough for all three cards: the page scrolls inside the app, which a full-page screenshot does not unroll.
  await page.setViewportSize({ width: 1280, height: 1400 });
  await shoot(page, 'services-codes');
});

test('the Queue page heads a failed job with a Chinese sentence and keeps the service’s own words', async ({
  page,
}) => {
  const starter = z
    .array(z.object({ id: z.string(), source: z.string() }))
    .parse(await bridge.call('workflows.list'))
    .find((workflow) => workflow.source === 'starter');
  // The simulator ends a prompt with __fail__ in an execution error, as a broken custom node would.
  await bridge.call('batches.queue', {
    serviceId: ids.exclusive,
    workflowId: starter?.id,
    // Sent as written: `__fail__` is wildcard syntax to the batch builder.
    spec: { prompts: ['a __fail__ lighthouse'], dynamicPrompts: 'off', seeds: { mode: 'increment', start: '7' } },
    label: '失败的批次',
  });
  await page.goto(`${app.url}#/queue`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('队列');
  const job = page.getByTestId('queue-job').first();
  await expect(job).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  const headline = job.locator('.queue-job__error strong');
  await expect(headline).toHaveText(/[\u4e00-\u9fff]/);
  await expect(job.locator('.queue-job__error-detail')).not.toBeEmpty();
  const text = (await headline.innerText()).trim();
  for (const sentence of englishSentences(typeof queueTree === 'object' ? queueTree.errorKinds : undefined)) {
    expect(text).not.toContain(sentence);
  }
  await shoot(page, 'queue-failed-job');
});

test('the Queue banner says in Chinese why a service’s progress connection keeps reconnecting', async ({ page }) => {
  // Nothing listens on port 1: the progress socket is refused at every attempt and backs off.
  const id = await createService(bridge, {
    name: 'Dead',
    url: 'http://127.0.0.1:1/',
    token: 'ZGVhZC10b2tlbi0wMDAwMDAwMDAw',
  });
  try {
    const starter = z
      .array(z.object({ id: z.string(), source: z.string() }))
      .parse(await bridge.call('workflows.list'))
      .find((workflow) => workflow.source === 'starter');
    await bridge.call('batches.queue', {
      serviceId: id,
      workflowId: starter?.id,
      spec: { prompts: ['a lighthouse at dusk'], seeds: { mode: 'fixed', value: '1' } },
      label: '无法连接',
    });
    await page.goto(`${app.url}#/queue`);
    const line = page.locator('.queue-connections__line').filter({ hasText: 'Dead' });
    await expect(line).toContainText(/Dead：正在重新连接（第 \d+ 次）。/, { timeout: 30_000 });
    await expect(line).toContainText('服务拒绝了连接（服务是否在运行？）');
    await expectNoEnglishSentence(page);
    await shoot(page, 'queue-connection-banner');
  } finally {
    await bridge.call('services.delete', { id });
  }
});

test('an API-edition service without OSS says in Chinese that it needs its output location, with the fix', async ({
  page,
}) => {
  const id = await createService(bridge, { name: 'No OSS', url: app.sim.queue.url, token: app.sim.queue.token });
  try {
    await page.goto(`${app.url}#/services`);
    const card = page
      .getByTestId('service-card')
      .filter({ has: page.getByRole('heading', { name: 'No OSS', exact: true }) });
    await card.getByRole('button', { name: '测试' }).click();
    await expect(card.getByTestId('health-badge')).toHaveText('需要 OSS 输出位置');
    await expect(card).toContainText('“No OSS”还没有 OSS 输出位置。');
    await expectNoEnglishSentence(page);
    await card.scrollIntoViewIfNeeded();
    await shoot(page, 'services-needs-oss');
    await card.getByRole('button', { name: '添加 OSS 位置' }).click();
    const dialog = page.getByRole('dialog', { name: '编辑 No OSS' });
    await expect(dialog.getByTestId('oss-fields')).toContainText('API 版需要');
    await expect(dialog.getByRole('textbox', { name: '存储路径' })).toBeFocused();
    await shoot(page, 'services-dialog-needs-oss');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  } finally {
    await bridge.call('services.delete', { id });
  }
});

test('every page and dialog reads in Chinese, with dates in Chinese', async ({ page }) => {
  test.setTimeout(120_000);
  const starter = z
    .array(z.object({ id: z.string(), source: z.string() }))
    .parse(await bridge.call('workflows.list'))
    .find((workflow) => workflow.source === 'starter');
  await bridge.call('batches.queue', {
    serviceId: ids.exclusive,
    workflowId: starter?.id,
    spec: { prompts: PROMPTS, seeds: { mode: 'increment', start: '11' } },
    label: '图库批次',
  });
  await page.setViewportSize({ width: 1280, height: 1000 });

  // Services, and its dialogs: add (with the paste box's notes), edit, delete.
  await page.goto(`${app.url}#/services`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('服务');
  await expect(page.getByTestId('health-badge').first()).toBeVisible();
  await expectChinese(page, 'Services page');
  await page.getByRole('button', { name: '添加服务' }).click();
  const add = page.getByRole('dialog', { name: '添加服务' });
  await add.getByRole('textbox', { name: '粘贴控制台中的调用信息' }).fill(`${app.sim.queue.url}
hello there, this line is not a value
Token: Bearer ${app.sim.queue.token}`);
  await expect(add.getByTestId('paste-summary')).toBeVisible();
  await expect(add.locator('.paste-box__notes')).toContainText('已忽略第 2 行');
  await expect(add.locator('.paste-box__notes')).toContainText('已去掉令牌前的“Bearer”');
  await expectChinese(page, 'add-service dialog');
  await shoot(page, 'dialog-add-service');
  await add.getByRole('button', { name: '取消' }).click();
  // A refusal main words as a code reads in Chinese under its field.
  await page.getByRole('button', { name: '添加服务' }).click();
  await add.getByRole('textbox', { name: '名称' }).fill('Broken');
  await add.getByRole('textbox', { name: '服务地址' }).fill('not a url');
  await add.getByRole('button', { name: '保存' }).click();
  await expect(add).toContainText('该地址不是网址。请粘贴调用信息中的地址。');
  await expectChinese(page, 'add-service dialog with a refused URL');
  await add.getByRole('button', { name: '取消' }).click();
  const wrongCard = page
    .getByTestId('service-card')
    .filter({ has: page.getByRole('heading', { name: 'Wrong token', exact: true }) });
  await wrongCard.getByRole('button', { name: '编辑' }).click();
  const edit = page.getByRole('dialog', { name: /^编辑/ });
  await expect(edit).toBeVisible();
  await expectChinese(page, 'edit-service dialog');
  await shoot(page, 'dialog-edit-service');
  await edit.getByRole('button', { name: '取消' }).click();
  await wrongCard.getByRole('button', { name: '删除' }).click();
  const remove = page.getByRole('dialog', { name: '删除此服务？' });
  await expectChinese(page, 'delete-service dialog');
  await shoot(page, 'dialog-delete-service');
  await remove.getByRole('button', { name: '取消' }).click();

  // Compose: the starter's translated name, the service's coded status, and the workflow and large-batch dialogs.
  await page.goto(`${app.url}#/compose`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('创作');
  const workflowPicker = page.getByRole('combobox', { name: '工作流' });
  await expect(workflowPicker.locator('option:checked')).toContainText('入门：文生图');
  await page.getByRole('combobox', { name: '服务' }).selectOption({ label: 'Sim Exclusive · 独享版' });
  await expect(page.locator('.service-health')).toContainText('已应答，可以使用。');
  // A UI-format workflow is refused with main's coded sentence, in Chinese.
  await page.getByTestId('workflow-file').setInputFiles({
    name: 'ui-format.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ nodes: [], links: [], version: 0.4 })),
  });
  await expect(page.locator('main')).toContainText('这是 ComfyUI 的 UI 格式工作流');
  // A prompt main refuses in the preview is named by its line, in Chinese.
  await page.getByRole('textbox', { name: '提示词', exact: true }).fill(`${PROMPTS[0]}\na {fox|hare in the snow`);
  await expect(page.locator('main')).toContainText('第 2 条提示词：“{”没有用“}”闭合。');
  await expectChinese(page, 'Compose page with a refused prompt');
  await shoot(page, 'compose-refused-prompt');
  await page.getByRole('textbox', { name: '提示词', exact: true }).fill(PROMPTS.join('\n'));
  await expect(page.getByTestId('preview-total')).toContainText('2');
  await expectChinese(page, 'Compose page');
  await shoot(page, 'compose');
  await page.getByRole('button', { name: '重命名' }).click();
  const rename = page.getByRole('dialog', { name: '重命名工作流' });
  await expectChinese(page, 'rename dialog');
  await shoot(page, 'dialog-rename-workflow');
  await rename.getByRole('button', { name: '取消' }).click();
  await page.getByRole('button', { name: '删除', exact: true }).click();
  const deleteWorkflow = page.getByRole('dialog', { name: '删除此工作流？' });
  await expectChinese(page, 'delete-workflow dialog');
  await shoot(page, 'dialog-delete-workflow');
  await deleteWorkflow.getByRole('button', { name: '取消' }).click();
  // Above LARGE_BATCH (1,000) jobs the page asks first; the dialog is cancelled, so nothing is queued.
  await page.getByRole('textbox', { name: '每个提示词的图片数' }).fill('600');
  await expect(page.getByTestId('preview-total')).toContainText('1200');
  await page.getByRole('button', { name: /^加入队列 1,?200/ }).click();
  const large = page.getByRole('dialog', { name: '加入一个大批次？' });
  await expectChinese(page, 'large-batch dialog');
  await shoot(page, 'dialog-large-batch');
  await large.getByRole('button', { name: '取消' }).click();

  // Queue.
  await page.goto(`${app.url}#/queue`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('队列');
  await expect(page.getByTestId('queue-job').first()).toBeVisible();
  await expectChinese(page, 'Queue page');

  // Gallery: a date filter shows the day in Chinese whatever the browser's date format; lightbox, OSS, delete.
  await page.goto(`${app.url}#/gallery`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('图库');
  const grid = page.getByRole('region', { name: '图片' });
  for (const prompt of PROMPTS)
    await expect(grid.getByRole('button', { name: prompt })).toBeVisible({ timeout: 30_000 });
  await page.locator('.gallery-filters__date').first().locator('input').fill('2020-12-02');
  await expect(page.locator('.gallery-filters__date').first()).toContainText('2020年12月2日');
  await expectChinese(page, 'Gallery page');
  await shoot(page, 'gallery');
  await grid.getByRole('button', { name: PROMPTS[0] }).dblclick();
  const lightbox = page.getByRole('dialog', { name: '图片查看器' });
  await expect(lightbox).toBeVisible();
  await expect(
    lightbox
      .getByRole('definition')
      .filter({ hasText: /\d{4}\/\d{1,2}\/\d{1,2}|\d{4}年/ })
      .first(),
  ).toBeVisible();
  await expectChinese(page, 'lightbox');
  await shoot(page, 'dialog-lightbox');
  await page.keyboard.press('Escape');
  await expect(lightbox).toBeHidden();
  await page.getByRole('button', { name: '浏览 OSS' }).click();
  const oss = page.getByRole('dialog', { name: '从 OSS 导入' });
  await expect(oss.getByRole('combobox', { name: '服务' })).toHaveValue(/.+/);
  await expectChinese(page, 'OSS dialog');
  await shoot(page, 'dialog-oss');
  await oss.getByRole('button', { name: '关闭' }).click();
  await grid.getByRole('button', { name: PROMPTS[0] }).click();
  await page.getByRole('button', { name: '删除本地副本' }).click();
  const deleteImages = page.getByRole('dialog', { name: '删除本地副本？' });
  await expectChinese(page, 'delete-images dialog');
  await shoot(page, 'dialog-delete-images');
  await deleteImages.getByRole('button', { name: '取消' }).click();

  // Settings.
  await page.goto(`${app.url}#/settings`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('设置');
  await expectChinese(page, 'Settings page');
  await shoot(page, 'settings');
});

test('a batch the service refuses says in Chinese how many problems it has, and words the first', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(`${app.url}#/compose`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('创作');
  await page.getByRole('combobox', { name: '服务' }).selectOption({ label: 'Sim Exclusive · 独享版' });
  await page.getByRole('textbox', { name: '步数' }).fill('0');
  await page.getByRole('spinbutton', { name: 'CFG' }).fill('101');
  await page.getByRole('button', { name: /^加入队列/ }).click();
  await expect(page.locator('main')).toContainText(
    '此工作流有 2 处问题。第一处：“KSampler”（节点 3）的输入“steps”为 0，低于最小值 1。',
  );
  await expectChinese(page, 'Compose page with a refused batch');
  await shoot(page, 'compose-refused-batch');
});
