// The gallery's queries over the ledger's `images` table: keyset pages with filters and prompt search, and the few
// writes the gallery owns (indexing a fetched file, missing, retry, favorite, removed). An image is listed once it
// has been fetched or found missing (`listed_at`); pending rows are the intake's work list, not yet in the gallery.
//
// Prompt search uses the FTS5 trigram index (substring match in any script, case-insensitive); a word shorter than a
// trigram cannot use it and falls back to LIKE within the rows the other filters leave.
import type { WorkflowSummary } from '../comfy/workflow-describe';
import type { CodedError } from '../ledger/coded-error';
import type { Database } from 'better-sqlite3';
import type { GalleryFilters, GalleryPageInput } from '../../preload/schemas/gallery';
import { decodeCursor, encodeCursor } from './gallery-cursor';
import { toGalleryRow, type GalleryRow } from './gallery-rows';

export interface IndexedFile {
  sha256: string;
  /** Relative to the data folder. */
  path: string;
  size: number;
  mime: string;
  media: 'image' | 'video' | 'audio';
  animated: boolean;
  width: number | null;
  height: number | null;
  source: 'edition' | 'oss' | 'import';
  ossKey: string | null;
  /** Set for an import: the object's date. */
  createdAt?: number;
}

/** What the gallery stores beside an image: where it came from, and the searchable part of its workflow. */
export type ImageMetadata = { batchId: string | null; workflowId: string | null } & Pick<
  WorkflowSummary,
  'positive' | 'negative' | 'seed' | 'steps' | 'cfg' | 'sampler' | 'scheduler' | 'model'
>;

/** Why an image is missing: the English sentence, and the same as a code when the error had one. */
export interface MissingReason {
  message: string;
  coded?: CodedError;
}

export interface IndexChange {
  row: GalleryRow;
  /** True when the image entered the gallery with this change (it was not listed before). */
  added: boolean;
}

interface Query {
  where: string[];
  params: (string | number)[];
}

/** An image is external when its result is (a foreign sink result, an import), not merely when its job is gone. */
const EXTERNAL_OF_RESULT =
  'external = coalesce((SELECT results.external FROM results WHERE results.id = images.result_id), external)';

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function filterQuery(filters: GalleryFilters): Query {
  const where = ['listed_at IS NOT NULL', 'removed = ?'];
  const params: (string | number)[] = [filters.removed === true ? 1 : 0];
  if (filters.previews !== true) where.push('kept = 1');
  const equal = (column: string, value: string | number | undefined) => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    params.push(value);
  };
  equal('service_id', filters.serviceId);
  equal('batch_id', filters.batchId);
  equal('workflow_id', filters.workflowId);
  if (filters.favorites === true) where.push('favorite = 1');
  if (filters.external !== undefined) equal('external', filters.external ? 1 : 0);
  if (filters.dateFrom !== undefined) {
    where.push('created_at >= ?');
    params.push(Math.floor(filters.dateFrom));
  }
  if (filters.dateTo !== undefined) {
    where.push('created_at <= ?');
    params.push(Math.floor(filters.dateTo));
  }
  const words = (filters.text ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 16);
  const long = words.filter((w) => [...w].length >= 3);
  const short = words.filter((w) => [...w].length < 3);
  if (long.length > 0) {
    where.push('id IN (SELECT rowid FROM images_fts WHERE images_fts MATCH ?)');
    params.push(long.map((w) => `"${w.replace(/"/g, '""')}"`).join(' AND '));
  }
  for (const word of short) {
    where.push(`(positive LIKE ? ESCAPE '\\' OR negative LIKE ? ESCAPE '\\')`);
    const pattern = `%${escapeLike(word)}%`;
    params.push(pattern, pattern);
  }
  return { where, params };
}

export class GalleryIndex {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  page(input: GalleryPageInput): { rows: GalleryRow[]; nextCursor: string | null; total?: number } {
    const { where, params } = filterQuery(input.filters);
    const newest = input.sort === 'newest';
    const pageWhere = [...where];
    const pageParams = [...params];
    if (input.cursor !== undefined) {
      const cursor = decodeCursor(input.cursor);
      pageWhere.push(`(created_at, id) ${newest ? '<' : '>'} (?, ?)`);
      pageParams.push(cursor.createdAt, cursor.id);
    }
    const direction = newest ? 'DESC' : 'ASC';
    const rows: unknown[] = this.db
      .prepare(
        `SELECT * FROM images WHERE ${pageWhere.join(' AND ')} ORDER BY created_at ${direction}, id ${direction} LIMIT ?`,
      )
      .all(...pageParams, input.limit + 1);
    const parsed = rows.slice(0, input.limit).map(toGalleryRow);
    const last = parsed.at(-1);
    const nextCursor =
      rows.length > input.limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null;
    if (input.cursor !== undefined) return { rows: parsed, nextCursor };
    const total = (
      this.db.prepare(`SELECT count(*) AS n FROM images WHERE ${where.join(' AND ')}`).get(...params) as { n: number }
    ).n;
    return { rows: parsed, nextCursor, total };
  }

  get(id: number): GalleryRow | undefined {
    const row: unknown = this.db.prepare('SELECT * FROM images WHERE id = ?').get(id);
    return row === undefined ? undefined : toGalleryRow(row);
  }

  getMany(ids: readonly number[]): GalleryRow[] {
    const rows: GalleryRow[] = [];
    const select = this.db.prepare('SELECT * FROM images WHERE id = ?');
    for (const id of ids) {
      const row: unknown = select.get(id);
      if (row !== undefined) rows.push(toGalleryRow(row));
    }
    return rows;
  }

  /** Pending images oldest first: the intake's work list (also after a restart). */
  pending(limit: number): { id: number; serviceId: string }[] {
    const rows = this.db
      .prepare(`SELECT id, service_id FROM images WHERE state = 'pending' ORDER BY id LIMIT ?`)
      .all(limit) as { id: number; service_id: string }[];
    return rows.map((r) => ({ id: r.id, serviceId: r.service_id }));
  }

  /** Whether any image of the service waits to be fetched (few rows: the state index finds them). */
  hasPending(serviceId: string): boolean {
    return (
      this.db.prepare(`SELECT 1 FROM images WHERE state = 'pending' AND service_id = ? LIMIT 1`).get(serviceId) !==
      undefined
    );
  }

  markFetched(id: number, file: IndexedFile, meta: ImageMetadata): IndexChange | undefined {
    return this.db.transaction(() => {
      const before = this.get(id);
      if (!before) return undefined;
      this.db
        .prepare(
          `UPDATE images SET state = 'fetched', error = NULL, error_code = NULL, error_params = NULL, removed = 0,
             sha256 = ?, path = ?, size = ?, mime = ?, media = ?, animated = ?, width = ?, height = ?, source = ?, oss_key = coalesce(?, oss_key),
             created_at = coalesce(?, created_at), batch_id = ?, workflow_id = ?, ${EXTERNAL_OF_RESULT},
             positive = ?, negative = ?, seed = ?, steps = ?, cfg = ?, sampler = ?, scheduler = ?, model = ?,
             listed_at = coalesce(listed_at, ?)
           WHERE id = ?`,
        )
        .run(
          file.sha256,
          file.path,
          file.size,
          file.mime,
          file.media,
          file.animated ? 1 : 0,
          file.width,
          file.height,
          file.source,
          file.ossKey,
          file.createdAt ?? null,
          meta.batchId,
          meta.workflowId,
          meta.positive,
          meta.negative,
          meta.seed,
          meta.steps,
          meta.cfg,
          meta.sampler,
          meta.scheduler,
          meta.model,
          this.now(),
          id,
        );
      return this.changeOf(id, before);
    })();
  }

  markMissing(id: number, reason: MissingReason, meta?: Pick<ImageMetadata, 'batchId' | 'workflowId'>) {
    return this.db.transaction(() => {
      const before = this.get(id);
      if (!before) return undefined;
      const { message, coded } = reason;
      this.db
        .prepare(
          `UPDATE images SET state = 'missing', error = ?, error_code = ?, error_params = ?,
             listed_at = coalesce(listed_at, ?), batch_id = coalesce(?, batch_id),
             workflow_id = coalesce(?, workflow_id), ${EXTERNAL_OF_RESULT}
           WHERE id = ?`,
        )
        .run(
          message,
          coded?.code ?? null,
          coded ? JSON.stringify(coded.params) : null,
          this.now(),
          meta?.batchId ?? null,
          meta?.workflowId ?? null,
          id,
        );
      return this.changeOf(id, before);
    })();
  }

  private changeOf(id: number, before: GalleryRow): IndexChange | undefined {
    const row = this.get(id);
    return row && { row, added: before.listed_at === null };
  }

  /** Missing or removed images back to pending; returns the rows that changed. */
  markPending(ids: readonly number[]): GalleryRow[] {
    return this.db.transaction(() => {
      const update = this.db.prepare(
        `UPDATE images SET state = 'pending', error = NULL, error_code = NULL, error_params = NULL, removed = 0
         WHERE id = ? AND (state = 'missing' OR removed = 1)`,
      );
      const changed = ids.filter((id) => update.run(id).changes > 0);
      return this.getMany(changed);
    })();
  }

  setFavorite(ids: readonly number[], favorite: boolean): GalleryRow[] {
    return this.db.transaction(() => {
      const update = this.db.prepare('UPDATE images SET favorite = ? WHERE id = ? AND favorite != ?');
      const changed = ids.filter((id) => update.run(favorite ? 1 : 0, id, favorite ? 1 : 0).changes > 0);
      return this.getMany(changed);
    })();
  }

  /** Marks fetched images as removed locally; returns them (their files are the caller's to delete). */
  markRemoved(ids: readonly number[]): GalleryRow[] {
    return this.db.transaction(() => {
      const update = this.db.prepare(
        `UPDATE images SET removed = 1 WHERE id = ? AND state = 'fetched' AND removed = 0`,
      );
      const changed = ids.filter((id) => update.run(id).changes > 0);
      return this.getMany(changed);
    })();
  }

  /** Previews the artist keeps: they enter the Gallery. Returns the ones that were not kept before. */
  keep(ids: readonly number[]): GalleryRow[] {
    return this.db.transaction(() => {
      const update = this.db.prepare('UPDATE images SET kept = 1 WHERE id = ? AND kept = 0');
      const changed = ids.filter((id) => update.run(id).changes > 0);
      return this.getMany(changed);
    })();
  }

  /** Previews not kept that were made before `before` and still have a local copy: theirs to delete. */
  stalePreviews(before: number, limit: number): number[] {
    const rows = this.db
      .prepare(
        `SELECT id FROM images WHERE kept = 0 AND created_at < ? AND state = 'fetched' AND removed = 0 ORDER BY id LIMIT ?`,
      )
      .all(before, limit) as { id: number }[];
    return rows.map((row) => row.id);
  }

  /** Whether another cached image still uses these bytes (then the file stays). */
  shaInUse(sha256: string): boolean {
    return (
      this.db
        .prepare(`SELECT 1 FROM images WHERE sha256 = ? AND state = 'fetched' AND removed = 0 LIMIT 1`)
        .get(sha256) !== undefined
    );
  }

  /** The images already known under these OSS keys of a service. */
  byOssKeys(serviceId: string, keys: readonly string[]): Map<string, number> {
    const found = new Map<string, number>();
    const select = this.db.prepare('SELECT id FROM images WHERE service_id = ? AND oss_key = ? ORDER BY id LIMIT 1');
    for (const key of keys) {
      const row = select.get(serviceId, key) as { id: number } | undefined;
      if (row) found.set(key, row.id);
    }
    return found;
  }

  /** Tags an import's freshly stored row with its key, so listing shows it imported before it is fetched. */
  tagImport(serviceId: string, identity: string, ossKey: string): number | undefined {
    const result = this.db
      .prepare('SELECT id FROM results WHERE service_id = ? AND identity = ?')
      .get(serviceId, identity) as { id: number } | undefined;
    if (!result) return undefined;
    this.db
      .prepare(`UPDATE images SET source = 'import', oss_key = ?, external = 1 WHERE result_id = ?`)
      .run(ossKey, result.id);
    const row = this.db.prepare('SELECT id FROM images WHERE result_id = ? ORDER BY id LIMIT 1').get(result.id) as
      { id: number } | undefined;
    return row?.id;
  }
}
