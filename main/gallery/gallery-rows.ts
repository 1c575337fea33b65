// Image rows of the ledger as the gallery reads them (ledger step 2 added the gallery's columns), parsed with zod:
// the database file is a boundary.
import { z } from 'zod';
import { parseRow } from '../jobs/ledger-rows';

const text = z.string();
const maybeText = z.string().nullable();
const maybeInteger = z.number().int().nullable();
const flag = z.union([z.literal(0), z.literal(1)]).transform((v) => v === 1);

const galleryRowSchema = z.object({
  id: z.number().int(),
  result_id: z.number().int(),
  job_id: maybeText,
  service_id: text,
  node: text,
  kind: text,
  filename: text,
  subfolder: text,
  type: text,
  state: z.enum(['pending', 'fetched', 'missing']),
  error: maybeText,
  sha256: maybeText,
  path: maybeText,
  width: maybeInteger,
  height: maybeInteger,
  positive: maybeText,
  negative: maybeText,
  seed: maybeText,
  model: maybeText,
  created_at: z.number().int(),
  batch_id: maybeText,
  workflow_id: maybeText,
  oss_key: maybeText,
  source: z.enum(['edition', 'oss', 'import']).nullable(),
  size: maybeInteger,
  mime: maybeText,
  media: z.enum(['image', 'video']),
  animated: flag,
  steps: z.number().nullable(),
  cfg: z.number().nullable(),
  sampler: maybeText,
  scheduler: maybeText,
  favorite: flag,
  external: flag,
  removed: flag,
  listed_at: maybeInteger,
});

export type GalleryRow = z.output<typeof galleryRowSchema>;

export function toGalleryRow(row: unknown): GalleryRow {
  return parseRow(galleryRowSchema, row, 'image');
}
