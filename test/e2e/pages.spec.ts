// The renderer shell end to end, through the browser bridge: navigation, shortcuts, theme and language settings.
// Also saves a screenshot of every page in both themes to test/e2e/screenshots/ for a human to look at.
import { expect, test, type Page } from '@playwright/test';
import { appUrl } from './app-url';

const pages = [
  { id: 'services', name: 'Services', zh: '服务' },
  { id: 'compose', name: 'Compose', zh: '创作' },
  { id: 'queue', name: 'Queue', zh: '队列' },
  { id: 'gallery', name: 'Gallery', zh: '图库' },
  { id: 'settings', name: 'Settings', zh: '设置' },
] as const;

// "System" must resolve the same way on every machine.
test.use({ locale: 'en-US', colorScheme: 'dark' });

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const nav = (page: Page) => page.getByRole('navigation');
const themeSelect = (page: Page) => page.getByRole('combobox', { name: /^(Theme|主题)$/ });
const languageSelect = (page: Page) => page.getByRole('combobox', { name: /^(Language|语言)$/ });

async function openSettings(page: Page) {
  await page.goto(`${appUrl()}#/settings`);
  await expect(themeSelect(page)).toBeVisible();
}

// The app server (and its settings file) lives for the whole run: leave the settings as the next test expects them.
test.afterEach(async ({ page }) => {
  await openSettings(page);
  await themeSelect(page).selectOption('system');
  await languageSelect(page).selectOption('system');
  // Read back from main, so the next test cannot start before the reset is stored.
  await page.reload();
  await expect(themeSelect(page)).toHaveValue('system');
  await expect(languageSelect(page)).toHaveValue('system');
});

test('the sidebar opens every page and each shows its heading', async ({ page }) => {
  await page.goto(appUrl());
  await expect(heading(page)).toHaveText('Services');
  for (const target of pages) {
    await nav(page).getByRole('link', { name: target.name }).click();
    await expect(heading(page)).toHaveText(target.name);
    await expect(nav(page).getByRole('link', { name: target.name })).toHaveAttribute('aria-current', 'page');
    await expect(page).toHaveURL(new RegExp(`#/${target.id}$`));
    await expect(page).toHaveTitle(`${target.name} — ArtLab Desktop`);
  }
});

test('the tab and the window show the app\u2019s mark', async ({ page, request }) => {
  await page.goto(appUrl());
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).toMatch(/\.svg$/);
  const icon = await request.get(new URL(href ?? '', appUrl()).toString());
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
  expect(await icon.text()).toContain('<svg');
});

test('Ctrl+1 to Ctrl+5 switch pages in sidebar order', async ({ page }) => {
  await page.goto(appUrl());
  await expect(heading(page)).toHaveText('Services');
  for (const [index, target] of [...pages.entries()].reverse()) {
    await page.keyboard.press(`Control+Digit${String(index + 1)}`);
    await expect(heading(page)).toHaveText(target.name);
  }
});

test('a reload keeps the current page', async ({ page }) => {
  await page.goto(appUrl());
  await nav(page).getByRole('link', { name: 'Gallery' }).click();
  await expect(heading(page)).toHaveText('Gallery');
  await page.reload();
  await expect(heading(page)).toHaveText('Gallery');
});

test('every empty page says what to do next', async ({ page }) => {
  await page.goto(appUrl());
  await expect(page.getByRole('heading', { name: 'No services yet' })).toBeVisible();
  await nav(page).getByRole('link', { name: 'Compose' }).click();
  await expect(page.getByRole('heading', { name: 'No workflow yet' })).toBeVisible();
  await nav(page).getByRole('link', { name: 'Queue' }).click();
  await expect(page.getByRole('heading', { name: 'No jobs yet' })).toBeVisible();
  await page.getByRole('button', { name: 'Go to Compose' }).click();
  await expect(heading(page)).toHaveText('Compose');
  await nav(page).getByRole('link', { name: 'Gallery' }).click();
  await expect(page.getByRole('heading', { name: 'No images yet' })).toBeVisible();
});

test('Add a service opens a dialog for the call information, and Escape closes it', async ({ page }) => {
  await page.goto(appUrl());
  await page.getByRole('button', { name: 'Add a service' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a service' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('textbox', { name: 'Call information' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('the theme setting switches the window between light and dark, and is kept', async ({ page }) => {
  await openSettings(page);
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'dark'); // system, and the emulated OS is dark
  await themeSelect(page).selectOption('light');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await expect(themeSelect(page)).toHaveValue('light');
  await themeSelect(page).selectOption('dark');
  await expect(html).toHaveAttribute('data-theme', 'dark');
});

test('the system theme follows the operating system while the app runs', async ({ page }) => {
  await openSettings(page);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('the language setting switches the whole app to Simplified Chinese and back', async ({ page }) => {
  await openSettings(page);
  await languageSelect(page).selectOption('zh-CN');
  await expect(heading(page)).toHaveText('设置');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  for (const target of pages) {
    await nav(page).getByRole('link', { name: target.zh }).click();
    await expect(heading(page)).toHaveText(target.zh);
  }
  await openSettings(page);
  await languageSelect(page).selectOption('en');
  await expect(heading(page)).toHaveText('Settings');
});

test.describe('on a Chinese system', () => {
  test.use({ locale: 'zh-CN' });

  test('the system language setting shows Simplified Chinese', async ({ page }) => {
    await page.goto(appUrl());
    await expect(heading(page)).toHaveText('服务');
    await expect(page.getByRole('button', { name: '添加服务' })).toBeVisible();
  });
});

test('Settings shows the version and how the window reaches the app', async ({ page }) => {
  await openSettings(page);
  await expect(page.getByTestId('app-version')).toHaveText('0.0.0');
  await expect(page.getByTestId('app-transport')).toHaveText('Browser (local bridge)');
  await expect(page.getByRole('heading', { name: 'Keyboard shortcuts' })).toBeVisible();
  await expect(page.getByText('Go to Queue')).toBeVisible();
});

for (const theme of ['dark', 'light'] as const) {
  test(`screenshots of every page in the ${theme} theme`, async ({ page }) => {
    await openSettings(page);
    await themeSelect(page).selectOption(theme);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    for (const target of pages) {
      await nav(page).getByRole('link', { name: target.name }).click();
      await expect(heading(page)).toHaveText(target.name);
      await page.screenshot({ path: `test/e2e/screenshots/${target.id}-${theme}.png`, animations: 'disabled' });
    }
    await languageSelect(page).selectOption('zh-CN');
    await expect(heading(page)).toHaveText('设置');
    for (const target of pages) {
      await nav(page).getByRole('link', { name: target.zh }).click();
      await expect(heading(page)).toHaveText(target.zh);
      await page.screenshot({ path: `test/e2e/screenshots/${target.id}-${theme}-zh-CN.png`, animations: 'disabled' });
    }
  });
}
