// A gallery over a fresh ledger in a temporary folder, its events collected; `image(predicate)` resolves when an
// event carries an image that matches.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GalleryImage } from '../../../preload/schemas/gallery';
import type { Edition } from '../../../main/editions/edition';
import { createGalleryModule, type GalleryHost, type GalleryModule } from '../../../main/gallery/gallery-module';
import { galleryHandlers, type GalleryHandlers } from '../../../main/handlers/gallery';
import { openLedgerDatabase } from '../../../main/ledger/ledger-database';
import { bridgeMediaUrl } from '../../../main/gallery/image-dto';
import type { OssTarget } from '../../../main/oss/oss-target';
import { ledgerRig, type LedgerRig } from '../ledger/ledger-rig';

export interface GalleryEvent {
  event: 'gallery.added' | 'gallery.changed';
  images: GalleryImage[];
}

export interface GalleryRigOptions {
  editionFor?: (serviceId: string) => Edition | undefined;
  /** The OSS output location of every service, if any. */
  oss?: OssTarget;
  host?: GalleryHost;
  attempts?: number;
}

/** The gallery module with the contract's handlers over it, as the Studio serves them. */
export type ServedGallery = GalleryModule & { handlers: GalleryHandlers };

export interface GalleryRig {
  rig: LedgerRig;
  dataDir: string;
  gallery: ServedGallery;
  events: GalleryEvent[];
  /** The next image (from now or already seen) in an event of that kind that matches. */
  image(event: GalleryEvent['event'], match: (image: GalleryImage) => boolean): Promise<GalleryImage>;
  /** Closes the gallery and opens a new one on the same files, as a restart would. */
  restart(): ServedGallery;
  cleanup(): Promise<void>;
}

export function galleryRig(options: GalleryRigOptions = {}): GalleryRig {
  const rig = ledgerRig();
  const dataDir = mkdtempSync(join(tmpdir(), 'artlab-gallery-'));
  const events: GalleryEvent[] = [];
  const waiters = new Set<() => void>();
  // The gallery's own connection to the ledger's file, as the Studio's shared one would be.
  let database = openLedgerDatabase(rig.file);
  const build = (): ServedGallery => {
    const gallery = createGalleryModule({
      dataDir,
      database,
      ledger: rig.ledger,
      clock: rig.clock,
      emit: (event, payload) => {
        // Running jobs' previews are the Queue's, not this rig's.
        if (!('images' in payload) || event === 'gallery.live') return;
        events.push({ event, images: payload.images });
        for (const wake of [...waiters]) wake();
      },
      mediaUrl: bridgeMediaUrl,
      services: { connection: () => (options.oss ? { oss: options.oss } : {}) },
      editionFor: options.editionFor ?? (() => undefined),
      ...(options.host ? { host: options.host } : {}),
      intake: { attempts: options.attempts ?? 3, backoffMs: 10 },
      eventIntervalMs: 5,
    });
    return Object.assign(gallery, { handlers: galleryHandlers(gallery) });
  };
  const result: GalleryRig = {
    rig,
    dataDir,
    gallery: build(),
    events,
    image(event, match) {
      const find = () => events.flatMap((e) => (e.event === event ? e.images : [])).find(match);
      return new Promise((resolve) => {
        const check = () => {
          const found = find();
          if (!found) return;
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
      });
    },
    restart() {
      const previous = { gallery: result.gallery, database };
      void previous.gallery.close().finally(() => previous.database.close());
      database = openLedgerDatabase(rig.file);
      result.gallery = build();
      return result.gallery;
    },
    async cleanup() {
      await result.gallery.close();
      database.close();
      rig.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return result;
}
