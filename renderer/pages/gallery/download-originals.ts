// The browser demo's Export: the browser saves each original from its media URL (main has no folder picker there,
// and a renderer never names a path for main to write to).
import type { GalleryImage } from '../../../preload/schemas/gallery';

/** Starts a download of every fetched original among `images`; returns how many were started. */
export function downloadOriginals(images: readonly Pick<GalleryImage, 'url' | 'filename'>[]): number {
  let started = 0;
  for (const image of images) {
    if (image.url === null) continue;
    const link = document.createElement('a');
    link.href = image.url;
    link.download = image.filename;
    link.rel = 'noopener';
    document.body.append(link);
    link.click();
    link.remove();
    started += 1;
  }
  return started;
}
