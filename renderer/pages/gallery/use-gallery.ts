// The gallery's images as React state: only the pages the artist has scrolled to (keyset paging through
// `gallery.page`), the total for the scroll bar, and live updates from `gallery.added` / `gallery.changed`.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { GalleryFilters, GalleryImage } from '../../../preload/schemas/gallery';
import { artlab } from '../../api/artlab';
import { errorMessage } from '../../settings/settings-context';

export type GallerySort = 'newest' | 'oldest';

export const PAGE_SIZE = 200;
/** The first page only needs to fill a screen (about 40 tiles at 1920×1080): it is what the artist waits for. */
export const FIRST_PAGE_SIZE = 60;

export interface GalleryState {
  images: readonly GalleryImage[];
  /** How many match (null until the first page answers). */
  total: number | null;
  error: string | null;
  /** Asks for the next page unless one is on its way or the last one arrived. */
  loadMore: () => void;
  reload: () => void;
}

/** Whether an image announced by an event belongs under the filters in force (what the renderer can tell). */
export function matchesFilters(image: GalleryImage, filters: GalleryFilters): boolean {
  if (filters.serviceId !== undefined && image.serviceId !== filters.serviceId) return false;
  if (filters.batchId !== undefined && image.batchId !== filters.batchId) return false;
  if (filters.workflowId !== undefined && image.workflowId !== filters.workflowId) return false;
  if (filters.favorites === true && !image.favorite) return false;
  if (filters.external !== undefined && image.external !== filters.external) return false;
  if (filters.dateFrom !== undefined && image.createdAt < filters.dateFrom) return false;
  if (filters.dateTo !== undefined && image.createdAt > filters.dateTo) return false;
  if (filters.removed !== true && image.state === 'removed') return false;
  // A PreviewImage output the artist has not kept belongs to its job in the Queue, not to the Gallery.
  if (filters.previews !== true && image.preview === true) return false;
  if (filters.text !== undefined && filters.text.trim() !== '') {
    const prompt = (image.positive ?? '').toLowerCase();
    const words = filters.text.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.every((word) => prompt.includes(word))) return false;
  }
  return true;
}

export function useGallery(filters: GalleryFilters, sort: GallerySort): GalleryState {
  const [images, setImages] = useState<readonly GalleryImage[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  // The cursor and in-flight flag live in refs: loadMore is called from scroll effects and must not re-render.
  const cursor = useRef<string | null | undefined>(undefined);
  const inFlight = useRef(false);
  const query = useRef({ filters, sort, generation });
  // The list as last committed, so event handlers compute the next list (and total) without side effects in updaters.
  const current = useRef<readonly GalleryImage[]>([]);
  const commit = useCallback((next: readonly GalleryImage[]) => {
    current.current = next;
    setImages(next);
  }, []);

  const fetchPage = useCallback(() => {
    if (inFlight.current || cursor.current === null) return;
    inFlight.current = true;
    const asked = query.current;
    const first = cursor.current === undefined;
    artlab
      .call('gallery.page', {
        filters: asked.filters,
        sort: asked.sort,
        cursor: cursor.current,
        limit: first ? FIRST_PAGE_SIZE : PAGE_SIZE,
      })
      .then((page) => {
        // A filter changed while this page was on its way: its answer belongs to the old query.
        if (query.current !== asked) return;
        cursor.current = page.nextCursor;
        if (first) setTotal(page.total ?? page.images.length);
        // The first page replaces the previous query's images only now, so the grid never flashes empty.
        const before = first ? [] : current.current;
        const seen = new Set(before.map((image) => image.id));
        commit([...before, ...page.images.filter((image) => !seen.has(image.id))]);
        setError(null);
      })
      .catch((cause: unknown) => {
        if (query.current === asked) setError(errorMessage(cause));
      })
      .finally(() => {
        if (query.current === asked) inFlight.current = false;
      });
  }, [commit]);

  const filtersKey = JSON.stringify(filters);
  useEffect(() => {
    query.current = { filters: JSON.parse(filtersKey) as GalleryFilters, sort, generation };
    cursor.current = undefined;
    inFlight.current = false;
    fetchPage();
  }, [filtersKey, sort, generation, fetchPage]);

  useEffect(() => {
    const offAdded = artlab.on('gallery.added', ({ images: added }) => {
      const { filters: active, sort: order } = query.current;
      const list = current.current;
      const seen = new Set(list.map((image) => image.id));
      const fresh = added.filter((image) => matchesFilters(image, active) && !seen.has(image.id));
      if (fresh.length === 0) return;
      setTotal((count) => (count === null ? count : count + fresh.length));
      // Events list newest last; newest-first shows them at the top, oldest-first only once the end is loaded.
      if (order === 'newest') commit([...[...fresh].reverse(), ...list]);
      else if (cursor.current === null) commit([...list, ...fresh]);
    });
    const offChanged = artlab.on('gallery.changed', ({ images: changed }) => {
      const byId = new Map(changed.map((image) => [image.id, image]));
      const { filters: active } = query.current;
      let dropped = 0;
      let touched = false;
      const next: GalleryImage[] = [];
      for (const image of current.current) {
        const update = byId.get(image.id);
        if (!update) next.push(image);
        else if (matchesFilters(update, active)) {
          next.push(update);
          touched = true;
        } else dropped += 1;
      }
      if (!touched && dropped === 0) return;
      if (dropped > 0) setTotal((count) => (count === null ? count : Math.max(0, count - dropped)));
      commit(next);
    });
    return () => {
      offAdded();
      offChanged();
    };
  }, [commit]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { images, total, error, loadMore: fetchPage, reload };
}
