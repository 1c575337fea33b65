// The one body reader for replies from services (DESIGN.md rule 8): undici's text()/json()/arrayBuffer() read any
// body whole, so a hostile or broken service could fill memory. Bytes are counted as they stream and the read stops
// past the cap; a Content-Length above the cap is refused before a byte is read.
import type { Readable } from 'node:stream';

export interface BodyLimit {
  maxBytes: number;
  /** The error for a body over the cap (unless `truncate`). */
  tooLarge(maxBytes: number): Error;
  /** Keep the first `maxBytes` and drop the rest instead of failing: for error pages and prefixes we only excerpt. */
  truncate?: boolean;
}

export interface BoundedBody {
  bytes: Buffer;
  /** The body went on past `maxBytes` (only with `truncate`). */
  truncated: boolean;
}

/** The declared length, when the header is a single well-formed number. */
export function declaredLength(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string' || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

export async function readBoundedBody(
  body: Readable,
  contentLength: string | string[] | undefined,
  limit: BodyLimit,
): Promise<BoundedBody> {
  const declared = declaredLength(contentLength);
  if (declared !== undefined && declared > limit.maxBytes && !limit.truncate) {
    discardBody(body);
    throw limit.tooLarge(limit.maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (total + bytes.length > limit.maxBytes) {
      discardBody(body);
      if (!limit.truncate) throw limit.tooLarge(limit.maxBytes);
      chunks.push(bytes.subarray(0, limit.maxBytes - total));
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(bytes);
    total += bytes.length;
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

/**
 * A body we will not read: destroyed, so its socket is closed instead of waiting in the pool with unread bytes (undici
 * keeps a connection busy until its body is consumed or destroyed).
 */
export function discardBody(body: Readable): void {
  if (!body.destroyed) body.destroy();
}
