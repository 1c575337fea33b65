// gallery.*: pages of the image index, one image with its metadata, favourites, local deletion, export, reveal,
// re-run parameters, retrying missing files, and browsing/importing a service's OSS output folder.
import type { ContractHandlers } from '../../preload/contract';
import { answer } from './answer';
import type { galleryMethods } from '../../preload/schemas/gallery';
import type { GalleryApi } from '../gallery/gallery-module';

export type GalleryHandlers = Pick<ContractHandlers, keyof typeof galleryMethods>;

export function galleryHandlers(gallery: GalleryApi): GalleryHandlers {
  return {
    'gallery.page': (input) => answer(() => gallery.page(input)),
    'gallery.get': ({ id }) => answer(() => gallery.get(id)),
    'gallery.setFavorite': ({ ids, favorite }) => answer(() => gallery.setFavorite(ids, favorite)),
    'gallery.deleteLocal': ({ ids }) => gallery.deleteLocal(ids),
    'gallery.export': ({ ids }) => gallery.exportOriginals(ids),
    'gallery.reveal': ({ id }) => gallery.reveal(id),
    'gallery.rerunParams': ({ id }) => gallery.rerunParams(id),
    'gallery.retry': ({ ids }) => answer(() => gallery.retry(ids)),
    'gallery.keep': ({ ids }) => answer(() => gallery.keep(ids)),
    'gallery.live': () => answer(() => gallery.liveNow()),
    'gallery.oss.list': (input) => gallery.listOss(input),
    'gallery.oss.import': (input) => answer(() => gallery.importOss(input)),
  };
}
