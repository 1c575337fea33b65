// The five pages of the app, in sidebar order; their position is also their Ctrl/Cmd+digit shortcut.
export const pageIds = ['services', 'compose', 'queue', 'gallery', 'settings'] as const;
export type PageId = (typeof pageIds)[number];

export const defaultPage: PageId = 'services';

export function isPageId(value: string): value is PageId {
  return (pageIds as readonly string[]).includes(value);
}

/** `#/queue` → `queue`; anything unknown → the default page, so a stale hash never shows a blank window. */
export function pageFromHash(hash: string): PageId {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return isPageId(name) ? name : defaultPage;
}

export function hashForPage(page: PageId): string {
  return `#/${page}`;
}

/** The page a digit shortcut opens (1-based), or undefined. */
export function pageForShortcutDigit(digit: number): PageId | undefined {
  return pageIds[digit - 1];
}
