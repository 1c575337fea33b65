import { expect, test } from '@playwright/test';
import { appUrl } from './app-url';

test('the app opens through the browser bridge and reaches the Studio', async ({ page }) => {
  await page.goto(appUrl());
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Services');
  // Settings come from the Studio over the bridge: the About section shows what it answered.
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByTestId('app-version')).toHaveText('0.0.0');
});
