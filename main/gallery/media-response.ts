// One answer to a media request for both transports (the `artlab-media:` protocol and the bridge's `media/` route):
// the image is looked up by id and variant — nothing in the URL ever becomes a path, so there is nothing to traverse —
// and a single byte range is honoured, which <video> needs to seek.
import { ImageVariantSchema, type ImageVariant } from '../../preload/schemas/gallery';
import type { MediaFile } from './gallery-module';

export type MediaLookup = (id: number, variant: ImageVariant) => Promise<MediaFile | undefined>;

export interface MediaReply {
  status: 200 | 206 | 404 | 416;
  headers: Record<string, string>;
  /** The bytes to send, inclusive range; absent for an error. */
  body?: { path: string; start: number; end: number };
}

const ID = /^[1-9][0-9]{0,14}$/;

function notFound(): MediaReply {
  return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } };
}

/** `<id>/<variant>` as the URL carries them, and the Range header if any. */
export async function mediaReply(
  lookup: MediaLookup,
  idText: string | undefined,
  variantText: string | undefined,
  range?: string,
): Promise<MediaReply> {
  const variant = ImageVariantSchema.safeParse(variantText);
  if (idText === undefined || !ID.test(idText) || !variant.success) return notFound();
  const file = await lookup(Number(idText), variant.data);
  if (!file) return notFound();
  const headers: Record<string, string> = {
    'Content-Type': file.mime,
    'Accept-Ranges': 'bytes',
    // A retried image keeps its id but may get new bytes: cached briefly, revalidated after.
    'Cache-Control': 'private, max-age=300',
    'X-Content-Type-Options': 'nosniff',
  };
  if (range === undefined || file.size === 0) {
    return {
      status: 200,
      headers: { ...headers, 'Content-Length': String(file.size) },
      body: { path: file.path, start: 0, end: file.size - 1 },
    };
  }
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  let start = match?.[1] ? Number(match[1]) : Number.NaN;
  let end = match?.[2] ? Number(match[2]) : file.size - 1;
  if (match && match[1] === '' && match[2] !== '') {
    // a suffix range: the last N bytes
    start = Math.max(0, file.size - Number(match[2]));
    end = file.size - 1;
  }
  if (!Number.isSafeInteger(start) || start > end || start >= file.size) {
    return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${file.size}` } };
  }
  end = Math.min(end, file.size - 1);
  return {
    status: 206,
    headers: {
      ...headers,
      'Content-Length': String(end - start + 1),
      'Content-Range': `bytes ${start}-${end}/${file.size}`,
    },
    body: { path: file.path, start, end },
  };
}
