// The gallery index over the ledger's images: keyset pages that return each listed image once, in order, under every
// filter; prompt search by substring in any script; and a first page and a search over 10,000 images that stay quick.
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GalleryFilters, GalleryPageInput } from '../../../preload/schemas/gallery';
import { GalleryIndex } from '../../../main/gallery/gallery-index';
import { openLedgerDatabase } from '../../../main/ledger/ledger-database';
import { ledgerRig, type LedgerRig } from '../ledger/ledger-rig';

const COUNT = 10_000;
const T0 = 1_700_000_000_000;
const SUBJECTS = ['a red fox in the snow', 'portrait of an old sailor', '山水画 云雾 远山', 'A Lighthouse at DUSK'];

let rig: LedgerRig;
let db: Database;
let index: GalleryIndex;

/** Image i: service a or b, batch i % 10, favorite every 7th, external every 5th, pending every 50th, 1 s apart. */
function seed(): void {
  const insertResult = db.prepare(
    `INSERT INTO results (id, service_id, identity, job_id, external, outputs, received_at)
     VALUES (?, ?, ?, NULL, ?, '[]', ?)`,
  );
  const insertImage = db.prepare(
    `INSERT INTO images (id, result_id, service_id, node, kind, filename, subfolder, type, state, positive, negative,
       seed, created_at, batch_id, workflow_id, favorite, external, listed_at, media)
     VALUES (?, ?, ?, '9', 'images', ?, '', 'output', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'image')`,
  );
  db.transaction(() => {
    for (let i = 1; i <= COUNT; i++) {
      const service = i % 2 === 0 ? 'svc-a' : 'svc-b';
      const external = i % 5 === 0 ? 1 : 0;
      const pending = i % 50 === 0;
      const created = T0 + i * 1000;
      insertResult.run(i, service, `identity-${i}`, external, created);
      insertImage.run(
        i,
        i,
        service,
        `ComfyUI_${String(i).padStart(5, '0')}_.png`,
        pending ? 'pending' : 'fetched',
        `${SUBJECTS[i % SUBJECTS.length] ?? ''}, detail ${i}`,
        i % 3 === 0 ? 'blurry, watermark' : null,
        String(18446744073709551615n - BigInt(i)),
        created,
        `batch-${i % 10}`,
        `wf-${i % 4}`,
        i % 7 === 0 ? 1 : 0,
        external,
        pending ? null : created,
      );
    }
  })();
}

beforeAll(() => {
  rig = ledgerRig();
  db = openLedgerDatabase(rig.file);
  seed();
  index = new GalleryIndex(db, () => T0);
});
afterAll(() => {
  db.close();
  rig.cleanup();
});

function input(filters: GalleryFilters = {}, extra: Partial<GalleryPageInput> = {}): GalleryPageInput {
  return { filters, sort: 'newest', limit: 500, ...extra };
}

/** Every page, following the cursor. */
function all(filters: GalleryFilters = {}, sort: GalleryPageInput['sort'] = 'newest'): number[] {
  const ids: number[] = [];
  let cursor: string | undefined;
  do {
    const page = index.page(input(filters, { sort, ...(cursor !== undefined ? { cursor } : {}) }));
    ids.push(...page.rows.map((row) => row.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}

const listed = (keep: (i: number) => boolean = () => true): number[] =>
  Array.from({ length: COUNT }, (_, k) => COUNT - k).filter((i) => i % 50 !== 0 && keep(i));

describe('gallery index', () => {
  it('pages newest first with a keyset cursor, each listed image once, pending ones not listed', () => {
    expect(all()).toEqual(listed());
    expect(all({}, 'oldest')).toEqual(listed().reverse());
  });

  it('gives the total on the first page only', () => {
    const first = index.page(input({ serviceId: 'svc-a' }, { limit: 10 }));
    expect(first.total).toBe(listed((i) => i % 2 === 0).length);
    expect(first.nextCursor).not.toBeNull();
    expect(
      index.page(input({ serviceId: 'svc-a' }, { limit: 10, cursor: first.nextCursor ?? '' })).total,
    ).toBeUndefined();
  });

  it('filters by service, batch, workflow, favorites, external and date range, alone and together', () => {
    expect(all({ serviceId: 'svc-b' })).toEqual(listed((i) => i % 2 === 1));
    expect(all({ batchId: 'batch-3' })).toEqual(listed((i) => i % 10 === 3));
    expect(all({ workflowId: 'wf-1' })).toEqual(listed((i) => i % 4 === 1));
    expect(all({ favorites: true })).toEqual(listed((i) => i % 7 === 0));
    expect(all({ external: true })).toEqual(listed((i) => i % 5 === 0));
    expect(all({ external: false, serviceId: 'svc-a' })).toEqual(listed((i) => i % 5 !== 0 && i % 2 === 0));
    expect(all({ dateFrom: T0 + 100_000, dateTo: T0 + 200_000 })).toEqual(listed((i) => i >= 100 && i <= 200));
  });

  it('finds prompt text as a substring, case-insensitively, in any script, every word required', () => {
    expect(all({ text: 'lighthouse' })).toEqual(listed((i) => i % 4 === 3));
    expect(all({ text: 'LIGHTHOUSE dusk' })).toEqual(listed((i) => i % 4 === 3));
    expect(all({ text: '云雾远' })).toEqual([]);
    expect(all({ text: '云雾 远山' })).toEqual(listed((i) => i % 4 === 2));
    expect(all({ text: 'watermark fox' })).toEqual(listed((i) => i % 3 === 0 && i % 4 === 0));
    // words under three characters cannot use the trigram index and are matched with LIKE
    expect(all({ text: '山水 old' })).toEqual([]);
    expect(all({ text: '山水' })).toEqual(listed((i) => i % 4 === 2));
  });

  it('treats search text as text, not as FTS or LIKE syntax', () => {
    for (const text of [
      '"',
      'fox"',
      'NEAR(fox snow)',
      'fox OR sailor',
      '*',
      '%',
      '_',
      'a AND',
      '(',
      "'; DROP TABLE images; --",
    ]) {
      expect(() => index.page(input({ text })), text).not.toThrow();
    }
    expect(all({ text: '%' })).toEqual([]);
    expect(all({ text: 'fox OR sailor' })).toEqual([]);
  });

  it('hides images removed locally unless asked for them', () => {
    const favorite = index.setFavorite([7], false);
    expect(favorite.map((row) => row.id)).toEqual([7]);
    const removed = index.markRemoved([11, 13, 50]);
    expect(removed.map((row) => row.id)).toEqual([11, 13]);
    expect(all()).not.toContain(11);
    expect(all({ removed: true })).toEqual([13, 11]);
    expect(index.markPending([11]).map((row) => row.state)).toEqual(['pending']);
    index.setFavorite([7], true);
  });

  it('answers the first page and a text search over 10,000 images quickly (smoke; numbers are the benchmark’s)', () => {
    const started = performance.now();
    const first = index.page(input({}, { limit: 200 }));
    const search = index.page(input({ text: 'sailor' }, { limit: 200 }));
    const filtered = index.page(input({ serviceId: 'svc-a', favorites: true, text: 'fox' }, { limit: 200 }));
    const elapsed = performance.now() - started;
    expect(first.rows).toHaveLength(200);
    expect(search.rows).toHaveLength(200);
    expect(filtered.rows.length).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('refuses a cursor it did not make', () => {
    expect(() => index.page(input({}, { cursor: 'not-a-cursor' }))).toThrow(/cursor is not valid/);
  });
});
