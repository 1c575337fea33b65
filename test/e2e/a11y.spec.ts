// Accessibility end to end: axe-core on every page in both themes and both languages (no serious or critical
// violation), and the Settings page's updates and diagnostics controls working from the keyboard alone.
import { expect, test } from '@playwright/test';
import { appUrl } from './app-url';
import { seriousViolations } from './support/axe';

const pageIds = ['services', 'compose', 'queue', 'gallery', 'settings'] as const;

// Theme and language stay on "system" (the app's default), so the emulated colour scheme and locale decide them.
for (const colorScheme of ['light', 'dark'] as const) {
  for (const locale of ['en-US', 'zh-CN'] as const) {
    test.describe(`${colorScheme} theme, ${locale}`, () => {
      test.use({ colorScheme, locale });

      test('every page has no serious or critical accessibility violation', async ({ page }) => {
        for (const id of pageIds) {
          await page.goto(`${appUrl()}#/${id}`);
          await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
          await expect(page.locator('html')).toHaveAttribute('lang', locale === 'zh-CN' ? 'zh-CN' : 'en');
          expect(await seriousViolations(page), `#/${id}`).toEqual([]);
          // Whole pages for a human to look at (test-results/ is not committed); the content scrolls inside the
          // window, so the window is made tall instead of using fullPage.
          await page.setViewportSize({ width: 1280, height: 1600 });
          await page.screenshot({ path: `test-results/a11y/${id}-${colorScheme}-${locale}.png` });
          await page.setViewportSize({ width: 1280, height: 800 });
        }
      });
    });
  }
}

test.describe('Settings: updates and diagnostics', () => {
  test.use({ colorScheme: 'dark', locale: 'en-US' });

  test('say that the desktop app manages updates, and export diagnostics from the keyboard', async ({ page }) => {
    await page.goto(`${appUrl()}#/settings`);
    await expect(page.getByRole('heading', { name: 'Updates' })).toBeVisible();
    await expect(page.getByTestId('updates-unmanaged')).toHaveText('Updates are managed by the desktop app.');

    const exportButton = page.getByRole('button', { name: 'Export diagnostics…' });
    await exportButton.focus();
    await page.keyboard.press('Enter');
    // The browser bridge has no save dialog: the bundle goes into the app's data folder.
    await expect(page.getByTestId('diagnostics-saved')).toContainText(/artlab-diagnostics-\d{8}-\d{6}\.zip$/);

    await page.getByRole('button', { name: 'Open logs folder' }).press('Enter');
    await expect(page.getByText('The logs are in:')).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test('are translated in Chinese', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'zh-CN', colorScheme: 'light' });
    const page = await context.newPage();
    try {
      await page.goto(`${appUrl()}#/settings`);
      await expect(page.getByRole('heading', { name: '更新' })).toBeVisible();
      await expect(page.getByTestId('updates-unmanaged')).toHaveText('更新由桌面应用管理。');
      await page.getByRole('button', { name: '导出诊断信息…' }).click();
      await expect(page.getByTestId('diagnostics-saved')).toContainText('已保存到：');
    } finally {
      await context.close();
    }
  });
});
