// The Services page end to end, against the simulator the app server started: add each edition by pasting its call
// information and one click, see it turn healthy; an API-edition service without its OSS output location (needs it,
// cannot be queued on, healthy once added); a wrong token; edit; duplicate; delete with confirmation. No page state
// ever holds a token. Saves screenshots of each state, in both themes, to test/e2e/screenshots/.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { z } from 'zod';
import { simulatorInfoSchema, type SimulatorInfo } from '../sim/index';
import { appUrl } from './app-url';
import { seriousViolations } from './support/axe';
import { BridgeClient } from './support/bridge-client';
import { startOwnApp } from './support/own-app';
import { shootBothThemes } from './support/screenshots';

// "System" must resolve the same way on every machine; the light screenshots emulate a light OS.
test.use({ locale: 'en-US', colorScheme: 'dark' });

function simInfo(): SimulatorInfo {
  const text = process.env.ARTLAB_E2E_SIM;
  if (!text) throw new Error('ARTLAB_E2E_SIM is not set: run the tests through playwright.config.ts');
  return simulatorInfoSchema.parse(JSON.parse(text));
}

const sim = simInfo();
const WRONG_TOKEN = 'bm90LXRoZS1yaWdodC10b2tlbi0wMDAwMDAw';
const secrets = [sim.queue.token, sim.exclusive.token, sim.oss.accessKeySecret, WRONG_TOKEN];

/** The API edition as the English console shows it. */
const queueCallInfo = [
  'Call Information',
  'Public Endpoint',
  `URL: ${sim.queue.url}`,
  `Token: ${sim.queue.token}`,
  `Endpoint: ${sim.queue.endpoint}`,
  `Service ID: ${sim.queue.service}`,
].join('\n');
/** The Exclusive edition as the Chinese console shows it: full-width colons. */
const exclusiveCallInfo = ['调用信息', `公网调用地址：${sim.exclusive.url}`, `Token：${sim.exclusive.token}`].join(
  '\n',
);

const card = (page: Page, name: string | RegExp) =>
  page.getByTestId('service-card').filter({ has: page.getByRole('heading', { name, exact: true }) });
const health = (locator: Locator) => locator.getByTestId('health-badge');

const shoot = (page: Page, name: string) => shootBothThemes(page, { file: (theme) => `services-${name}-${theme}.png` });

async function expectNoSecretOnPage(page: Page) {
  const html = await page.content();
  const text = await page.locator('body').innerText();
  for (const secret of secrets) {
    expect(html).not.toContain(secret);
    expect(text).not.toContain(secret);
  }
}

async function addByPaste(page: Page, callInformation: string) {
  await page.getByRole('button', { name: 'Add a service' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a service' });
  await dialog.getByRole('textbox', { name: 'Paste the call information' }).fill(callInformation);
  await expect(dialog.getByTestId('paste-summary')).toContainText('token found ••••');
  return dialog;
}

/** The simulator's OSS output location typed into the dialog's OSS fields (own credentials). */
async function fillOss(dialog: Locator) {
  // Scoped: the API edition's queue endpoint is an "Endpoint" field too.
  const oss = dialog.getByTestId('oss-fields');
  await oss.getByRole('textbox', { name: 'Storage path' }).fill(`oss://${sim.oss.bucket}/${sim.oss.prefix}/`);
  await oss.getByRole('textbox', { name: 'Region' }).fill(sim.oss.region);
  await oss.getByRole('textbox', { name: 'Endpoint' }).fill(sim.oss.endpoint);
  await oss.getByRole('textbox', { name: 'AccessKey ID' }).fill(sim.oss.accessKeyId);
  await oss.getByLabel('AccessKey secret').fill(sim.oss.accessKeySecret);
}

async function deleteService(page: Page, name: string) {
  await card(page, name).getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete this service?' });
  await confirm.getByRole('button', { name: 'Delete service' }).click();
  await expect(confirm).toBeHidden();
  await expect(card(page, name)).toHaveCount(0);
}

// One app server serves the whole run: leave the Services page empty, as the other specs expect it.
test.afterEach(async ({ page }) => {
  await page.goto(`${appUrl()}#/services`);
  const names = page.getByTestId('service-card').getByRole('heading');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Services');
  await expect(page.getByText('Loading…')).toHaveCount(0);
  for (let left = await names.count(); left > 0; left = await names.count()) {
    await deleteService(page, (await names.first().innerText()).trim());
  }
  await expect(page.getByRole('heading', { name: 'No services yet' })).toBeVisible();
});

test('pasting the call information and one click adds each edition, and both turn healthy', async ({ page }) => {
  await page.goto(appUrl());
  const dialog = await addByPaste(page, queueCallInfo);
  await expect(dialog.getByRole('combobox', { name: 'Edition' })).toHaveValue('queue');
  await expect(dialog.getByRole('textbox', { name: 'Service URL' })).toHaveValue(sim.queue.url);
  await expect(dialog.getByRole('textbox', { name: 'Service name' })).toHaveValue('artlab_sim');
  await expect(dialog.getByTestId('secret-stored')).toHaveText(`Token found ••••${sim.queue.token.slice(-4)}`);
  await expectNoSecretOnPage(page);
  await shoot(page, 'dialog-pasted');
  // The API edition's results are on OSS: its OSS fields are open, marked as needed.
  await expect(dialog.getByTestId('oss-fields')).toContainText('Needed for the API edition');
  await fillOss(dialog);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  const queue = card(page, 'artlab_sim');
  await expect(health(queue)).toHaveText('Healthy');
  await expect(queue).toContainText('API edition (queue)');
  await expect(queue).toContainText(sim.queue.service);
  await expect(queue).toContainText(`oss://${sim.oss.bucket}/${sim.oss.prefix}/`);
  // The jobs work's result watcher, as it reports itself.
  await expect(queue.getByRole('definition').filter({ hasText: 'Live' })).toBeVisible();

  const chinese = await addByPaste(page, exclusiveCallInfo);
  await expect(chinese.getByRole('combobox', { name: 'Edition' })).toHaveValue('exclusive');
  await chinese.getByRole('textbox', { name: 'Name' }).fill('Sim Exclusive');
  await page.keyboard.press('Control+Enter');
  await expect(chinese).toBeHidden();
  const exclusive = card(page, 'Sim Exclusive');
  await expect(health(exclusive)).toHaveText('Healthy');
  await expect(exclusive).toContainText('Exclusive');
  await expect(exclusive).toContainText(new URL(sim.exclusive.url).host);
  await expect(exclusive.getByRole('definition').filter({ hasText: 'Live' })).toBeVisible();

  await expectNoSecretOnPage(page);
  await shoot(page, 'list');
});

test('an API-edition service without OSS needs its output location, is not queued on, and is healthy once added', async ({
  page,
}) => {
  await page.goto(appUrl());
  const dialog = await addByPaste(page, queueCallInfo);
  const ossFields = dialog.getByTestId('oss-fields');
  await expect(ossFields).toContainText('Needed for the API edition');
  await expect(ossFields).toContainText('The API edition writes its results to OSS');
  await expect(ossFields.getByRole('textbox', { name: 'Storage path' })).toBeVisible();
  await shoot(page, 'dialog-needs-oss');
  // Saving without it is allowed (the keys may not be at hand): the service then says what it needs.
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  const queue = card(page, 'artlab_sim');
  await expect(health(queue)).toHaveText('Needs OSS output location');
  await expect(queue).toContainText('“artlab_sim” has no OSS output location');
  await expect(queue).toContainText('no batch can be queued on this service');
  expect(await seriousViolations(page)).toEqual([]);
  await shoot(page, 'needs-oss');

  // Compose says so beside the service, and does not queue on it.
  await page.goto(`${appUrl()}#/compose`);
  await page
    .getByRole('combobox', { name: 'Service' })
    .selectOption({ label: 'artlab_sim · API edition (queue) · Needs OSS output location' });
  const status = page.getByTestId('compose-service-health');
  await expect(status).toContainText('Needs OSS output location');
  await expect(page.getByTestId('queue-batch')).toBeDisabled();
  await shoot(page, 'compose-needs-oss');
  // main refuses it too, whoever asks (the CLI goes the same way).
  const bridge = await BridgeClient.connect(appUrl());
  try {
    const services = z.array(z.object({ id: z.string(), name: z.string() })).parse(await bridge.call('services.list'));
    const workflows = z
      .array(z.object({ id: z.string(), source: z.string() }))
      .parse(await bridge.call('workflows.list'));
    const queued = bridge.call('batches.queue', {
      serviceId: services.find((service) => service.name === 'artlab_sim')?.id,
      workflowId: workflows.find((workflow) => workflow.source === 'starter')?.id,
      spec: { prompts: ['a red fox'] },
    });
    await expect(queued).rejects.toThrow(/needs an OSS output location/);
  } finally {
    bridge.close();
  }

  // Compose's "Add OSS location" opens the service's dialog at the storage path.
  await status.getByRole('button', { name: 'Add OSS location' }).click();
  const fromCompose = page.getByRole('dialog', { name: 'Edit artlab_sim' });
  await expect(fromCompose.getByRole('textbox', { name: 'Storage path' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(fromCompose).toBeHidden();

  // The card's button does the same; once the location is added, the service is healthy.
  await queue.getByRole('button', { name: 'Add OSS location' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit artlab_sim' });
  await expect(edit.getByRole('textbox', { name: 'Storage path' })).toBeFocused();
  await shoot(page, 'dialog-add-oss');
  await fillOss(edit);
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await expect(health(queue)).toHaveText('Healthy');
  await expect(queue.getByRole('button', { name: 'Add OSS location' })).toHaveCount(0);
  await expectNoSecretOnPage(page);
});

test('outputs on OSS with shared credentials: the bucket check passes and the secret shows only as a hint', async ({
  page,
}) => {
  await page.goto(appUrl());
  const dialog = await addByPaste(page, exclusiveCallInfo);
  await dialog.getByRole('textbox', { name: 'Name' }).fill('With OSS');
  await dialog.getByText('Outputs on OSS').click();
  await dialog.getByRole('checkbox', { name: /OSS bucket/ }).check();
  await dialog.getByRole('textbox', { name: 'Storage path' }).fill(`oss://${sim.oss.bucket}/${sim.oss.prefix}/`);
  await dialog.getByRole('textbox', { name: 'Region' }).fill(sim.oss.region);
  await dialog.getByRole('textbox', { name: 'Endpoint' }).fill(sim.oss.endpoint);
  await dialog.getByRole('radio', { name: 'Use shared credentials' }).check();
  await dialog.getByRole('textbox', { name: 'Shared AccessKey ID' }).fill(sim.oss.accessKeyId);
  await dialog.getByLabel('Shared AccessKey secret').fill(sim.oss.accessKeySecret);
  await dialog.getByRole('button', { name: 'Test' }).click();
  await expect(health(dialog)).toHaveText('Healthy');
  await expect(dialog.getByText(`Secret stored ••••${sim.oss.accessKeySecret.slice(-4)}`)).toBeVisible();
  await expectNoSecretOnPage(page);
  await shoot(page, 'dialog-oss');
  await dialog.getByRole('button', { name: 'Done' }).click();
  const withOss = card(page, 'With OSS');
  await expect(health(withOss)).toHaveText('Healthy');
  await expect(withOss).toContainText(`oss://${sim.oss.bucket}/${sim.oss.prefix}/`);
});

test('the list and the filled dialog have no serious accessibility violation, in either theme', async ({ page }) => {
  await page.goto(appUrl());
  await (await addByPaste(page, queueCallInfo)).getByRole('button', { name: 'Save' }).click();
  await expect(health(card(page, 'artlab_sim'))).toHaveText('Needs OSS output location');
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    expect(await seriousViolations(page), `list, ${theme}`).toEqual([]);
    const dialog = await addByPaste(page, exclusiveCallInfo);
    await dialog.getByText('Outputs on OSS').click();
    await dialog.getByRole('checkbox', { name: /OSS bucket/ }).check();
    expect(await seriousViolations(page), `dialog, ${theme}`).toEqual([]);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  }
});

test('saving an incomplete form says what is missing, next to the field', async ({ page }) => {
  await page.goto(appUrl());
  await page.getByRole('button', { name: 'Add a service' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a service' });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('Enter a name for the service.')).toBeVisible();
  await expect(dialog.getByText('Paste the call information above, or enter the service URL.')).toBeVisible();
  await expect(dialog.getByRole('textbox', { name: 'Service URL' })).toHaveAttribute('aria-invalid', 'true');
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Nowhere');
  await dialog.getByRole('textbox', { name: 'Service URL' }).fill('ftp://example.com/comfy');
  await dialog.getByRole('button', { name: 'Save' }).click();
  // main's sentence, under the field it is about.
  await expect(dialog.getByRole('textbox', { name: 'Service URL' })).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText(/Paste the URL from the call information/)).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('service-card')).toHaveCount(0);
});

test('Enter in the paste box is a new line, not a save', async ({ page }) => {
  await page.goto(appUrl());
  await page.getByRole('button', { name: 'Add a service' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a service' });
  const paste = dialog.getByRole('textbox', { name: 'Paste the call information' });
  await paste.pressSequentially(`URL: ${sim.exclusive.url}`);
  await paste.press('Enter');
  await expect(dialog).toBeVisible();
  await expect(paste).toHaveValue(`URL: ${sim.exclusive.url}\n`);
  await expect(page.getByTestId('service-card')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('a token bound for plain http to another computer is warned about, and https is one click', async ({ page }) => {
  await page.goto(appUrl());
  const remote = 'http://comfy_pro.1234567890123456.cn-hangzhou.pai-eas.aliyuncs.com';
  const dialog = await addByPaste(page, `URL: ${remote}/\nToken: ${WRONG_TOKEN}`);
  const warning = dialog.getByRole('alert').filter({ hasText: 'unencrypted' });
  await expect(warning).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await warning.getByRole('button', { name: 'Use https://' }).click();
  await expect(dialog.getByRole('textbox', { name: 'Service URL' })).toHaveValue(/^https:\/\/comfy_pro\./);
  await expect(warning).toBeHidden();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('a wrong token shows auth failed, with what to do', async ({ page }) => {
  await page.goto(appUrl());
  const dialog = await addByPaste(page, `URL: ${sim.exclusive.url}\nToken: ${WRONG_TOKEN}`);
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Wrong token');
  await dialog.getByRole('button', { name: 'Test' }).click();
  await expect(health(dialog)).toHaveText('Auth failed');
  await expect(dialog.getByRole('status').filter({ hasText: 'token' })).toBeVisible();
  await shoot(page, 'dialog-auth-failed');
  expect(await seriousViolations(page)).toEqual([]);
  // Test saved the new service: leaving now keeps it, and the button says so.
  await dialog.getByRole('button', { name: 'Done' }).click();
  const failed = card(page, 'Wrong token');
  await expect(health(failed)).toHaveText('Auth failed');
  await expect(failed).toContainText('Copy the token again');
  // The progress socket met the same refusal: it stopped, and jobs for this service wait.
  await expect(failed).toContainText('Stopped: the token was refused');
  await expect(failed.getByRole('alert')).toContainText('Jobs for this service wait');
  await expectNoSecretOnPage(page);
  await shoot(page, 'auth-failed');
});

test('editing shows the stored token only as a hint, and keeps it unless replaced', async ({ page }) => {
  await page.goto(appUrl());
  await (await addByPaste(page, exclusiveCallInfo)).getByRole('button', { name: 'Save' }).click();
  const added = card(page, /^Local ComfyUI/);
  await expect(health(added)).toHaveText('Healthy');
  await added.getByRole('button', { name: 'Edit' }).click();
  const dialog = page.getByRole('dialog', { name: /^Edit / });
  await expect(dialog.getByTestId('secret-stored')).toHaveText(`Token stored ••••${sim.exclusive.token.slice(-4)}`);
  await expectNoSecretOnPage(page);
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Renamed Exclusive');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  const renamed = card(page, 'Renamed Exclusive');
  await expect(renamed).toBeVisible();
  // The token was kept: the check after saving still passes.
  await expect(health(renamed)).toHaveText('Healthy');
});

test('duplicate makes a healthy copy; delete asks first and says jobs and images stay', async ({ page }) => {
  await page.goto(appUrl());
  const dialog = await addByPaste(page, queueCallInfo);
  await fillOss(dialog);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(health(card(page, 'artlab_sim'))).toHaveText('Healthy');
  await card(page, 'artlab_sim').getByRole('button', { name: 'Duplicate' }).click();
  const copy = card(page, 'artlab_sim (copy)');
  await expect(health(copy)).toHaveText('Healthy');

  await copy.getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete this service?' });
  await expect(confirm).toContainText('Its jobs and images stay');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await shoot(page, 'delete-confirm');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(copy).toBeVisible();
  await deleteService(page, 'artlab_sim (copy)');
  await expect(card(page, 'artlab_sim')).toBeVisible();
});

test('a damaged settings file is explained with where its copy went, and can be dismissed', async ({ page }) => {
  // An app of its own: the shared app server's settings must stay intact for the other specs.
  const dataDir = mkdtempSync(join(tmpdir(), 'artlab-e2e-damaged-'));
  writeFileSync(join(dataDir, 'config.json'), '{ "services": [ this is not JSON');
  // Another app server on a prepared data folder, which it removes when stopped.
  const app = await startOwnApp(dataDir, 'second');
  try {
    await page.goto(app.url);
    const banner = page.getByRole('region', { name: 'Where secrets are kept' });
    await expect(banner).toContainText('The settings file was damaged and set aside');
    await expect(banner).toContainText(join(dataDir, 'config.json.damaged'));
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'vault-incident');
    await banner.getByRole('button', { name: 'Dismiss' }).click();
    await expect(banner).toBeHidden();
    await page.reload();
    await expect(page.getByRole('heading', { name: 'No services yet' })).toBeVisible();
    await expect(banner).toBeHidden();
  } finally {
    await app.stop();
  }
});
