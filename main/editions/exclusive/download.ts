// Streams one response body to `destination + '.part'` and renames it into place only once the whole body arrived, so
// a broken or short download never leaves a file at `destination` (the gallery treats a present file as complete).
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request, type Dispatcher } from 'undici';
import { NetworkError, StorageError, TimeoutError } from '../../errors';

export interface DownloadRequest {
  url: URL;
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  destination: string;
  /** What the file is, for messages: `the image "x.png"`. */
  what: string;
  label: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Maps a non-2xx status to an error (HttpClient.statusError for the service's wording). */
  statusError(status: number, bodyText: string): Error;
}

const STORAGE_CODES = new Set(['ENOSPC', 'EACCES', 'EPERM', 'EROFS', 'ENOENT', 'EISDIR', 'EMFILE', 'EDQUOT']);

function transportError(error: unknown, req: DownloadRequest): Error {
  if (req.signal?.aborted) return req.signal.reason instanceof Error ? req.signal.reason : new Error('aborted');
  if (error instanceof StorageError) return error;
  const code = (error as { code?: string } | null)?.code ?? '';
  const name = error instanceof Error ? error.name : '';
  if (STORAGE_CODES.has(code)) {
    const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full' : `the folder cannot be written (${code})`;
    return new StorageError(`Could not save ${req.what}: ${why}. Free some space or choose another folder.`);
  }
  if (code.startsWith('UND_ERR_') && code.includes('TIMEOUT')) {
    return new TimeoutError(`${req.label} stopped sending ${req.what}. Check your network and try again.`);
  }
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new TimeoutError(`${req.label} did not send ${req.what} in time. Check your network and try again.`);
  }
  if (code === 'ECONNREFUSED') return new NetworkError(`${req.label} refused the connection: is the service running?`);
  return new NetworkError(`The download of ${req.what} from ${req.label} broke off. Check your network and try again.`);
}

/** Counts the bytes that pass, so a body shorter than its Content-Length is caught even if the socket ended cleanly. */
function counter(): Transform & { bytes: number } {
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      stream.bytes += chunk.length;
      callback(null, chunk);
    },
  }) as Transform & { bytes: number };
  stream.bytes = 0;
  return stream;
}

export async function downloadToFile(req: DownloadRequest): Promise<void> {
  const part = `${req.destination}.part`;
  const timeoutMs = req.timeoutMs ?? 120_000;
  const signal = req.signal
    ? AbortSignal.any([req.signal, AbortSignal.timeout(timeoutMs)])
    : AbortSignal.timeout(timeoutMs);
  try {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(req.url, { method: 'GET', headers: req.headers, dispatcher: req.dispatcher, signal });
    } catch (error) {
      throw transportError(error, req);
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const text = await response.body.text().catch(() => '');
      throw req.statusError(response.statusCode, text);
    }
    const lengthHeader = response.headers['content-length'];
    const expected = typeof lengthHeader === 'string' ? Number(lengthHeader) : undefined;
    const count = counter();
    try {
      await pipeline(response.body, count, createWriteStream(part));
    } catch (error) {
      throw transportError(error, req);
    }
    if (expected !== undefined && Number.isFinite(expected) && count.bytes !== expected) {
      throw new NetworkError(
        `The download of ${req.what} from ${req.label} ended early (${count.bytes} of ${expected} bytes). Try again.`,
      );
    }
    try {
      await rename(part, req.destination);
    } catch (error) {
      throw transportError(error, req);
    }
  } catch (error) {
    await rm(part, { force: true }).catch(() => undefined);
    throw error;
  }
}
