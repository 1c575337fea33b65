// Export: the cached originals copied byte for byte (the PNG's workflow and any other metadata intact) under the
// names the service gave them; a name already taken in the folder gets " (2)", " (3)"… and nothing is overwritten.
import { constants } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { StorageError } from '../errors';
import { cacheStorageError, type ImageCache } from './image-cache';
import type { GalleryRow } from './gallery-rows';

/** The image cache's sentence for a disk failure, coded as the export's: the folder is full or cannot be written. */
function exportRefusal(error: unknown, what: string, folder: string): unknown {
  const refusal = cacheStorageError(error, what);
  if (!(refusal instanceof StorageError)) return refusal;
  const reason = (error as { code?: unknown } | null)?.code;
  const full = reason === 'ENOSPC' || reason === 'EDQUOT';
  return refusal.withCode(full ? 'export-disk-full' : 'export-folder-unwritable', {
    folder,
    reason: typeof reason === 'string' ? reason : '',
  });
}

export async function exportOriginals(
  rows: readonly GalleryRow[],
  folder: string,
  cache: ImageCache,
): Promise<{ exported: number; skipped: number; files: { id: number; name: string }[] }> {
  let exported = 0;
  let skipped = 0;
  const files: { id: number; name: string }[] = [];
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw exportRefusal(error, `the folder ${folder}`, folder);
  }
  for (const row of rows) {
    if (row.state !== 'fetched' || row.removed || row.path === null) {
      skipped += 1;
      continue;
    }
    const ext = extname(row.filename);
    const stem = row.filename.slice(0, row.filename.length - ext.length);
    for (let n = 1; ; n++) {
      const name = n === 1 ? row.filename : `${stem} (${n})${ext}`;
      try {
        await copyFile(cache.absolute(row.path), join(folder, name), constants.COPYFILE_EXCL);
        exported += 1;
        files.push({ id: row.id, name });
        break;
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code === 'EEXIST' && n < 10_000) continue;
        throw exportRefusal(error, `"${row.filename}" (export to ${folder})`, folder);
      }
    }
  }
  return { exported, skipped, files };
}
