// Why a result watcher or progress socket dropped, twice: the English `reason` the CLI and the logs print, and the
// same reason coded (`why`) for the renderer to word in the artist's language. A socket error's own text is data
// (params.detail), never one of our sentences.
import type { ConnectionWhy } from '../../preload/schemas/connections';
import { describeBytes, isArtlabError } from '../errors';
import { redact } from '../log/redact';

export interface DropReason {
  reason: string;
  why: ConnectionWhy;
}

export function dropReason(
  reason: string,
  code: ConnectionWhy['code'],
  params: ConnectionWhy['params'] = {},
): DropReason {
  return { reason, why: { code, params } };
}

/** A socket's 'error' event, in words: the common network failures by name, any other by its own (redacted) text. */
export function socketErrorReason(error: Error, maxFrameBytes: number, frameName: string): DropReason {
  const code = (error as { code?: unknown }).code;
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
    const limit = describeBytes(maxFrameBytes);
    return dropReason(`the service sent a ${frameName} larger than ${limit}`, 'frame-oversized', { limit });
  }
  if (code === 'ECONNREFUSED')
    return dropReason('the service refused the connection (is it running?)', 'connection-refused');
  if (code === 'ENOTFOUND') return dropReason('the service address could not be found', 'host-not-found');
  if (code === 'ECONNRESET') return dropReason('the connection was reset', 'connection-reset');
  const detail = redact(error.message.replace(/\s+/g, ' ').slice(0, 160));
  return detail ? dropReason(detail, 'network', { detail }) : dropReason('the connection closed', 'connection-closed');
}

/** A refused token as `auth-failed` carries it: the HTTP status when the refusal named one. */
export function tokenRefusedWhy(status: unknown): ConnectionWhy {
  return { code: 'token-refused', params: typeof status === 'number' ? { status } : {} };
}

/** The status an ArtlabError's params name (http.ts codes a refused token with `status`). */
export function refusalStatus(error: unknown): number | undefined {
  const status = isArtlabError(error) ? error.params?.status : undefined;
  return typeof status === 'number' ? status : undefined;
}
