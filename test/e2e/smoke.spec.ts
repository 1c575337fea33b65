import { expect, test } from '@playwright/test';
import { appUrl } from './app-url';

test('the app opens through the browser bridge and reaches the Studio', async ({ page }) => {
  await page.goto(appUrl());
  await expect(page.getByRole('heading', { level: 1 })).toContainText('ArtLab Desktop 0.0.0');
});
