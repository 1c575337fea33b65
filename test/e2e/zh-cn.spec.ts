// Sentences main makes (health checks, a paused service, a failed job's error) read in Chinese on a zh-CN system:
// main sends codes and the renderer words them. Runs its own app (its services and failed job touch no other spec)
// and saves zh-CN screenshots of Services (healthy and a refused token) and of Queue (a failed job).
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
    ? ['codes', 'warningCodes', 'connectionCodes'].flatMap((key) => englishSentences(servicesTree[key]))
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
    spec: { prompts: ['a __fail__ lighthouse'], seeds: { mode: 'increment', start: '7' } },
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
