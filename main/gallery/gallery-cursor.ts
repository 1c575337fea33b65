// The keyset cursor of a gallery page: the sort key (created_at, id) of its last image, opaque to the renderer.
import { z } from 'zod';
import { BadRequestError } from '../errors';

export interface GalleryCursor {
  createdAt: number;
  id: number;
}

const cursorSchema = z.tuple([z.number().int(), z.number().int()]);

export function encodeCursor(cursor: GalleryCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

export function decodeCursor(text: string): GalleryCursor {
  try {
    const [createdAt, id] = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return { createdAt, id };
  } catch {
    throw new BadRequestError('The gallery page cursor is not valid. Reload the gallery.').withCode(
      'gallery-cursor-stale',
    );
  }
}
