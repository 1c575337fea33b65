// `artlab-media://image/<id>/<variant>`: the gallery's originals and thumbnails for the renderer, by id only (the
// renderer never learns a path; the CSP in secure-window.ts allows this scheme for img and media; CORS lets the grid
// export draw thumbnails on a canvas it saves). Registered as
// privileged before `ready` (standard URL parsing, streaming for <video>), handled after.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import { mediaReply, type MediaLookup } from '../gallery/media-response';

export const MEDIA_SCHEME = 'artlab-media';

/** Call before app `ready`. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: MEDIA_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true },
    },
  ]);
}

/** Call after `ready`; returns the unregister. */
export function handleMediaProtocol(lookup: MediaLookup): () => void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    const [, id, variant, extra] = url.pathname.split('/');
    const reply =
      url.hostname === 'image' && extra === undefined
        ? await mediaReply(lookup, id, variant, request.headers.get('range') ?? undefined)
        : await mediaReply(lookup, undefined, undefined);
    // CORS for the app's own page (another origin than this scheme): the batch grid draws thumbnails on a canvas it
    // saves as a PNG, which a cross-origin image without CORS would forbid. Only this app's session has the scheme.
    const headers = { ...reply.headers, 'Access-Control-Allow-Origin': '*' };
    if (!reply.body || request.method === 'HEAD') return new Response(null, { status: reply.status, headers });
    const stream = createReadStream(reply.body.path, { start: reply.body.start, end: reply.body.end });
    return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status: reply.status, headers });
  });
  return () => protocol.unhandle(MEDIA_SCHEME);
}
