// The media reply both transports send: ids and variants looked up (never paths), a single byte range honoured.
import { describe, expect, it } from 'vitest';
import { mediaReply, type MediaLookup } from '../../../main/gallery/media-response';

const lookup: MediaLookup = (id, variant) =>
  Promise.resolve(
    id === 7
      ? { path: `/cache/${variant}`, mime: variant === 'original' ? 'video/mp4' : 'image/webp', size: 1000 }
      : undefined,
  );

describe('media reply', () => {
  it('answers a known id and variant with its type, length and the whole file', async () => {
    expect(await mediaReply(lookup, '7', 'original')).toMatchObject({
      status: 200,
      headers: { 'Content-Type': 'video/mp4', 'Content-Length': '1000', 'Accept-Ranges': 'bytes' },
      body: { path: '/cache/original', start: 0, end: 999 },
    });
    expect((await mediaReply(lookup, '7', 'thumb256')).headers['Content-Type']).toBe('image/webp');
  });

  it('answers ranges: from-to, open-ended, suffix, clamped; refuses one past the end', async () => {
    expect(await mediaReply(lookup, '7', 'original', 'bytes=10-19')).toMatchObject({
      status: 206,
      headers: { 'Content-Range': 'bytes 10-19/1000', 'Content-Length': '10' },
      body: { start: 10, end: 19 },
    });
    expect((await mediaReply(lookup, '7', 'original', 'bytes=900-')).body).toMatchObject({ start: 900, end: 999 });
    expect((await mediaReply(lookup, '7', 'original', 'bytes=-100')).body).toMatchObject({ start: 900, end: 999 });
    expect((await mediaReply(lookup, '7', 'original', 'bytes=990-5000')).body).toMatchObject({ start: 990, end: 999 });
    for (const range of ['bytes=1000-', 'bytes=20-10', 'bytes=abc', 'items=0-1', 'bytes=0-1,5-9']) {
      expect((await mediaReply(lookup, '7', 'original', range)).status, range).toBe(416);
    }
  });

  it('is 404 for unknown ids, unknown variants and ids that are not plain numbers', async () => {
    for (const [id, variant] of [
      ['8', 'original'],
      ['7', 'full'],
      ['07', 'original'],
      ['-7', 'original'],
      ['7.0', 'original'],
      ['../7', 'original'],
      ['99999999999999999999', 'original'],
      [undefined, 'original'],
      ['7', undefined],
    ] as const) {
      const reply = await mediaReply(lookup, id, variant);
      expect(reply.status, `${String(id)}/${String(variant)}`).toBe(404);
      expect(reply.body).toBeUndefined();
    }
  });
});
