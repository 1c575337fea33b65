// Screenshots of one page state in both themes, for a human to look at in test/e2e/screenshots/.
import { expect, type Page } from '@playwright/test';
import { seriousViolations } from './axe';

export type Theme = 'dark' | 'light';

export interface ShootOptions {
  /** The file name under test/e2e/screenshots/ for each theme. */
  file: (theme: Theme) => string;
  /** When set, each theme must also have no serious axe violation; the label names the state in a failure. */
  axeLabel?: string;
}

/** Switches the emulated OS to each theme, waits for the app to follow, shoots, and leaves it dark again. */
export async function shootBothThemes(page: Page, { file, axeLabel }: ShootOptions): Promise<void> {
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    if (axeLabel !== undefined) expect(await seriousViolations(page), `${axeLabel}, ${theme}`).toEqual([]);
    await page.screenshot({ path: `test/e2e/screenshots/${file(theme)}`, animations: 'disabled' });
  }
  await page.emulateMedia({ colorScheme: 'dark' });
}
