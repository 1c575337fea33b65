// Image rows of the ledger as the gallery reads them (ledger step 2 added the gallery's columns), parsed with zod:
// the database file is a boundary.
import { z } from 'zod';
import { imageRowSchema, parseRow } from '../ledger/ledger-rows';

const maybeText = z.string().nullable();
const maybeInteger = z.number().int().nullable();
const flag = z.union([z.literal(0), z.literal(1)]).transform((v) => v === 1);

// The ledger's image columns, plus the ones the gallery added.
const galleryRowSchema = imageRowSchema.extend({
  batch_id: maybeText,
  workflow_id: maybeText,
  oss_key: maybeText,
  source: z.enum(['edition', 'oss', 'import']).nullable(),
  size: maybeInteger,
  mime: maybeText,
  media: z.enum(['image', 'video', 'audio']),
  animated: flag,
  steps: z.number().nullable(),
  cfg: z.number().nullable(),
  sampler: maybeText,
  scheduler: maybeText,
  favorite: flag,
  external: flag,
  removed: flag,
  listed_at: maybeInteger,
  // ledger step 8
  error_code: maybeText,
  error_params: maybeText,
  // ledger step 14
  kept: flag,
});

export type GalleryRow = z.output<typeof galleryRowSchema>;

export function toGalleryRow(row: unknown): GalleryRow {
  return parseRow(galleryRowSchema, row, 'image');
}
