// A batch's grid and the thumbnails of its cells, kept current while the grid is open: a `batches.changed` naming the
// batch reads the grid again (coalesced to one read in flight), new gallery images of the batch add their thumbnails.
import { useEffect, useState } from 'react';
import type { GalleryImage } from '../../../preload/schemas/gallery';
import type { BatchGridDto } from '../../../preload/schemas/jobs';
import { artlab } from '../../api/artlab';
import { errorMessage } from '../../settings/settings-context';

/** Enough pages for a 30 × 30 grid with a few images per job; past it a cell shows its state instead of a picture. */
const MAX_IMAGE_PAGES = 10;

export function useBatchGrid(batchId: string) {
  const [grid, setGrid] = useState<BatchGridDto | null>(null);
  const [thumbs, setThumbs] = useState<ReadonlyMap<number, GalleryImage>>(new Map());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let closed = false;
    let reading = false;
    let again = false;
    const take = (images: readonly GalleryImage[]) => {
      const mine = images.filter((image) => image.batchId === batchId);
      if (closed || mine.length === 0) return;
      setThumbs((current) => new Map([...current, ...mine.map((image) => [image.id, image] as const)]));
    };
    const readGrid = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const next = await artlab.call('batches.grid', { batchId });
          if (!closed) setGrid(next);
        } while (again && !closed);
      } catch (cause) {
        if (!closed) setError(errorMessage(cause));
      } finally {
        reading = false;
      }
    };
    const readImages = async () => {
      let cursor: string | undefined;
      for (let page = 0; page < MAX_IMAGE_PAGES && !closed; page++) {
        const result = await artlab.call('gallery.page', { filters: { batchId, previews: true }, limit: 500, cursor });
        take(result.images);
        if (result.nextCursor === null) return;
        cursor = result.nextCursor;
      }
    };
    void readGrid();
    readImages().catch((cause: unknown) => !closed && setError(errorMessage(cause)));
    const offBatches = artlab.on('batches.changed', ({ batches }) => {
      if (batches.some((batch) => batch.id === batchId)) void readGrid();
    });
    const offAdded = artlab.on('gallery.added', ({ images }) => take(images));
    const offChanged = artlab.on('gallery.changed', ({ images }) => take(images));
    return () => {
      closed = true;
      offBatches();
      offAdded();
      offChanged();
    };
  }, [batchId]);

  return { grid, thumbs, error };
}
