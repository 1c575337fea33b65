// The theme is resolved here, not in CSS: `:root[data-theme]` is always `light` or `dark`, so the stylesheets
// define each palette once and `system` follows the OS live through matchMedia.
import type { Settings } from '../../preload/schemas/app';

export type ResolvedTheme = 'light' | 'dark';

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

export function resolveTheme(setting: Settings['theme'], systemPrefersDark: boolean): ResolvedTheme {
  if (setting !== 'system') return setting;
  return systemPrefersDark ? 'dark' : 'light';
}

export function applyTheme(setting: Settings['theme']): void {
  document.documentElement.dataset.theme = resolveTheme(setting, darkQuery().matches);
}

/** Re-applies a `system` theme whenever the OS switches; returns the unsubscribe. */
export function followSystemTheme(setting: Settings['theme']): () => void {
  applyTheme(setting);
  if (setting !== 'system') return () => undefined;
  const query = darkQuery();
  const onChange = () => applyTheme(setting);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}
