// Hand-overs from one page to another ("open this batch in the Queue", "show this image in the gallery"): the caller
// stores what to show, then navigates; the page takes it once when it mounts, or at once when it is already showing.

export interface PageHandoff<T> {
  /** Stores what the page should show; follow with `navigateTo(page)`. */
  give(value: T): void;
  /** The page's side: the waiting value, removed (each is shown once). */
  take(): T | null;
  /** Called when a value arrives while the page is showing; returns the unsubscribe. */
  onGive(listener: () => void): () => void;
}

function createHandoff<T>(): PageHandoff<T> {
  let pending: T | null = null;
  const listeners = new Set<() => void>();
  return {
    give(value) {
      pending = value;
      for (const listener of listeners) listener();
    },
    take() {
      const taken = pending;
      pending = null;
      return taken;
    },
    onGive(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The Queue shows only this batch (its batch filter set), and with `grid` opens its grid. */
export const queueBatchHandoff = createHandoff<{ batchId: string; grid?: boolean }>();

/** The gallery opens this image in its viewer, within its batch when it has one (so its page is the first loaded). */
/** `previews`: the image is a PreviewImage output not kept, listed only with previews shown. */
export const galleryImageHandoff = createHandoff<{ imageId: number; batchId: string | null; previews?: boolean }>();
