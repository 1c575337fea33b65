// Sentences main makes (health checks, a paused service, a failed job's error) read in Chinese on a zh-CN system:
// main sends codes and the renderer words them. Runs its own app (its services and failed job touch no other spec)
// and saves zh-CN screenshots of Services (healthy and a refused token) and of Queue (a failed job).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { z } from 'zod';
import { simulatorInfoSchema, type SimulatorInfo } from '../sim/index';

// Language stays on "system": the emulated locale decides it, as on an artist's Chinese machine.
test.use({ locale: 'zh-CN', colorScheme: 'dark' });

const replySchema = z.object({
  type: z.literal('reply'),
  id: z.number(),
  envelope: z.union([
    z.object({ ok: z.literal(true), value: z.unknown().optional() }),
    z.object({ ok: z.literal(false), error: z.object({ message: z.string() }) }),
  ]),
});

/** The Node side of the browser bridge: sets up services and a batch the way the pages would. */
class BridgeClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: z.infer<typeof replySchema>) => void>();
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const parsed = replySchema.safeParse(JSON.parse(data.toString('utf8')));
      if (parsed.success) this.waiting.get(parsed.data.id)?.(parsed.data);
    });
  }

  static async connect(appUrl: string): Promise<BridgeClient> {
    const url = new URL(appUrl);
    const socket = new WebSocket(`ws://${url.host}${url.pathname.replace(/\/$/, '')}/ws`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new BridgeClient(socket);
  }

  async call(method: string, input: unknown = {}): Promise<unknown> {
    const id = this.nextId++;
    const reply = new Promise<z.infer<typeof replySchema>>((resolve) => this.waiting.set(id, resolve));
    this.socket.send(JSON.stringify({ type: 'call', id, method, input }));
    const { envelope } = await reply;
    this.waiting.delete(id);
    if (!envelope.ok) throw new Error(`${method}: ${envelope.error.message}`);
    return envelope.value;
  }

  close(): void {
    this.socket.close();
  }
}

interface OwnApp {
  url: string;
  sim: SimulatorInfo;
  stop: () => Promise<void>;
}

async function startOwnApp(): Promise<OwnApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'artlab-e2e-zh-cn-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/app-server.ts', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((done) => child.once('exit', done));
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', () => reject(new Error('The zh-CN app server exited before it started')));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  const parsed = z.object({ url: z.string(), sim: simulatorInfoSchema }).parse(JSON.parse(line));
  return {
    ...parsed,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

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

async function shoot(page: Page, name: string) {
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await page.screenshot({
      path: `test/e2e/screenshots/${name}-${theme}-zh-CN.png`,
      animations: 'disabled',
    });
  }
  await page.emulateMedia({ colorScheme: 'dark' });
}

let app: OwnApp;
let bridge: BridgeClient;
const ids = { queue: '', exclusive: '', wrong: '' };

test.beforeAll(async () => {
  app = await startOwnApp();
  bridge = await BridgeClient.connect(app.url);
  const created = z.object({ id: z.string() });
  const create = async (input: object) => created.parse(await bridge.call('services.create', input)).id;
  ids.queue = await create({
    name: 'Sim Queue',
    url: app.sim.queue.url,
    token: app.sim.queue.token,
    oss: {
      location: `oss://${app.sim.oss.bucket}/${app.sim.oss.prefix}/`,
      region: app.sim.oss.region,
      endpoint: app.sim.oss.endpoint,
      credentials: 'own',
      accessKeyId: app.sim.oss.accessKeyId,
      accessKeySecret: app.sim.oss.accessKeySecret,
    },
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
