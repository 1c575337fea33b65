// The current page lives in location.hash: a reload keeps the page, and <a href="#/…"> navigates without a router.
import { useSyncExternalStore } from 'react';
import { hashForPage, pageFromHash, type PageId } from './pages';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

function currentPage(): PageId {
  return pageFromHash(window.location.hash);
}

export function useCurrentPage(): PageId {
  return useSyncExternalStore(subscribe, currentPage);
}

export function navigateTo(page: PageId): void {
  window.location.hash = hashForPage(page);
}
