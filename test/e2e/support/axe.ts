// axe-core against WCAG 2.2 AA, as every spec that checks accessibility runs it.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Serious and critical violations, one readable line each (rule, what it asks, where). */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Colours sampled mid-transition (a theme switch, a fade-in) give false contrast failures: let animations end.
  await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'));
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map((node) => `${violation.id} (${violation.help}) at ${node.target.join(' ')}`),
    );
}
