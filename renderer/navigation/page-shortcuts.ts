// Ctrl+1..5 (Cmd on macOS) switch pages from anywhere, as in most desktop apps with a sidebar.
import { pageForShortcutDigit } from './pages';
import { navigateTo } from './use-current-page';

export const isMac = /Mac|iPhone|iPad/.test(navigator.userAgent);

/** The label of the modifier key the shortcuts use on this platform. */
export const shortcutModifier = isMac ? '⌘' : 'Ctrl';

function shortcutDigit(event: KeyboardEvent): number | undefined {
  const primary = isMac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (!primary || event.altKey || event.shiftKey) return undefined;
  // event.code, not event.key: on AZERTY and similar layouts the digit row yields other characters.
  const match = /^(?:Digit|Numpad)([1-9])$/.exec(event.code);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * Installed once, before the first render: navigation is a module-level store, so the shortcuts need no component,
 * and a key pressed while the first page paints is not lost to an effect that has not run yet. Returns the removal.
 */
export function installPageShortcuts(): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    const digit = shortcutDigit(event);
    const page = digit === undefined ? undefined : pageForShortcutDigit(digit);
    if (!page) return;
    event.preventDefault();
    navigateTo(page);
  };
  window.addEventListener('keydown', onKeyDown);
  return () => window.removeEventListener('keydown', onKeyDown);
}
