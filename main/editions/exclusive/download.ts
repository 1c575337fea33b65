// Streams one response body to `destination + '.part'` and renames it into place only once the whole body arrived, so
// a broken or short download never leaves a file at `destination` (the gallery treats a present file as complete).
// Bounded as DESIGN.md rule 8 asks: an idle timeout (no byte for N s) instead of a total cap, so a large video on a slow
// link still arrives; a size cap counted while streaming; after a break, the rest is asked for with Range where the
// server offers it (Accept-Ranges / 206); a server that answers the Range with 200 (the file changed, or it ignores
// ranges) gets the whole file written from the start.
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request, type Dispatcher } from 'undici';
import { NetworkError, StorageError, TimeoutError, TooLargeError, describeBytes } from '../../errors';
import { declaredLength, discardBody, readBoundedBody } from '../bounded-body';
import { startDeadline, type Deadline } from '../deadline';

export interface DownloadRequest {
  url: URL;
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  destination: string;
  /** What the file is, for messages: `the image "x.png"`. */
  what: string;
  label: string;
  signal?: AbortSignal;
  /** No byte (and no reply) for this long: the transfer has stalled. Default 30 s. */
  idleTimeoutMs?: number;
  /** The largest file accepted. Default DEFAULT_MAX_DOWNLOAD_BYTES. */
  maxBytes?: number;
  /**
   * Requests made in all, the first included, while a broken transfer can be resumed (the server offers ranges and
   * bytes arrived since the last break). Default 3. Starting over from nothing is left to the caller's retry policy,
   * so two retry layers do not multiply.
   */
  attempts?: number;
  /** Maps a non-2xx status to an error (HttpClient.statusError for the service's wording). */
  statusError(status: number, bodyText: string): Error;
}

/** Output videos are large; anything past this is not an output file. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 2 * 1024 ** 3;
const DEFAULT_IDLE_MS = 30_000;

const STORAGE_CODES = new Set(['ENOSPC', 'EACCES', 'EPERM', 'EROFS', 'ENOENT', 'EISDIR', 'EMFILE', 'EDQUOT']);

/** A failure a second request may get past (a broken or stalled transfer), as opposed to disk, size or cancel. */
class Interrupted extends Error {
  constructor(readonly failure: Error) {
    super(failure.message);
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function transportError(error: unknown, req: DownloadRequest, idle: Deadline): Error {
  if (!idle.expired && req.signal?.aborted)
    return req.signal.reason instanceof Error ? req.signal.reason : new Error('aborted');
  if (error instanceof StorageError || error instanceof TooLargeError) return error;
  const code = errorCode(error);
  if (STORAGE_CODES.has(code)) {
    const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full' : `the folder cannot be written (${code})`;
    return new StorageError(`Could not save ${req.what}: ${why}. Free some space or choose another folder.`);
  }
  const name = error instanceof Error ? error.name : '';
  if (idle.expired || (code.startsWith('UND_ERR_') && code.includes('TIMEOUT')) || name === 'TimeoutError') {
    const seconds = Math.round((req.idleTimeoutMs ?? DEFAULT_IDLE_MS) / 1000);
    return new Interrupted(
      new TimeoutError(
        `${req.label} stopped sending ${req.what} (nothing arrived for ${seconds} s). Check your network and try again.`,
      ),
    );
  }
  if (code === 'ECONNREFUSED')
    return new Interrupted(new NetworkError(`${req.label} refused the connection: is the service running?`));
  return new Interrupted(
    new NetworkError(`The download of ${req.what} from ${req.label} broke off. Check your network and try again.`),
  );
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Counts the bytes that pass, stops past the cap, and touches the idle deadline on every chunk. */
function meter(start: number, maxBytes: number, idle: Deadline, tooLarge: () => Error): Transform & { bytes: number } {
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      stream.bytes += chunk.length;
      idle.restart();
      if (stream.bytes > maxBytes) return callback(tooLarge());
      callback(null, chunk);
    },
  }) as Transform & { bytes: number };
  stream.bytes = start;
  return stream;
}

interface Progress {
  /** Bytes in the .part file that belong to the current version of the file. */
  bytes: number;
  /** The validator for If-Range and whether the server takes Range requests, from the last reply. */
  validator?: string;
  ranges: boolean;
}

async function attempt(req: DownloadRequest, part: string, progress: Progress): Promise<void> {
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const tooLarge = (): TooLargeError =>
    new TooLargeError(
      `${req.label} sent more than ${describeBytes(maxBytes)} for ${req.what}; that is not an output file the app can keep.`,
      maxBytes,
    );
  const resume = progress.bytes > 0 && progress.ranges;
  const headers = { ...req.headers };
  if (resume) {
    headers.range = `bytes=${progress.bytes}-`;
    // If-Range: a file that changed since is sent whole (200) instead of a tail that belongs to another version
    if (progress.validator) headers['if-range'] = progress.validator;
  }
  const idle = startDeadline(req.idleTimeoutMs ?? DEFAULT_IDLE_MS, req.signal);
  try {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(req.url, { method: 'GET', headers, dispatcher: req.dispatcher, signal: idle.signal });
    } catch (error) {
      throw transportError(error, req, idle);
    }
    const status = response.statusCode;
    if (status < 200 || status >= 300) {
      const text = await readBoundedBody(response.body, undefined, {
        maxBytes: 64 * 1024,
        truncate: true,
        tooLarge,
      }).then(
        (body) => body.bytes.toString('utf8'),
        () => '',
      );
      throw req.statusError(status, text);
    }
    const contentRange = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header(response.headers, 'content-range') ?? '');
    const appending = resume && status === 206 && contentRange !== null && Number(contentRange[1]) === progress.bytes;
    if (!appending) progress.bytes = 0; // 200, or a range we did not ask for: the whole file again
    const length = declaredLength(response.headers['content-length']);
    const total =
      appending && contentRange?.[2] !== '*' ? Number(contentRange?.[2]) : length === undefined ? undefined : length;
    if (total !== undefined && total > maxBytes) {
      discardBody(response.body);
      throw tooLarge();
    }
    progress.validator = header(response.headers, 'etag') ?? header(response.headers, 'last-modified');
    progress.ranges = /\bbytes\b/i.test(header(response.headers, 'accept-ranges') ?? '') || appending;
    const count = meter(progress.bytes, maxBytes, idle, tooLarge);
    try {
      await pipeline(response.body, count, createWriteStream(part, { flags: appending ? 'a' : 'w' }));
      progress.bytes = count.bytes;
    } catch (error) {
      // What reached the disk, not what passed the meter: a broken pipeline drops writes still buffered
      progress.bytes = await stat(part).then(
        (file) => Math.min(file.size, count.bytes),
        () => 0,
      );
      throw transportError(error, req, idle);
    }
    const expected = appending ? total : length;
    if (expected !== undefined && count.bytes !== expected) {
      throw new Interrupted(
        new NetworkError(
          `The download of ${req.what} from ${req.label} ended early (${count.bytes} of ${expected} bytes). Try again.`,
        ),
      );
    }
  } finally {
    idle.clear();
  }
}

export async function downloadToFile(req: DownloadRequest): Promise<void> {
  const part = `${req.destination}.part`;
  const attempts = Math.max(1, req.attempts ?? 3);
  const progress: Progress = { bytes: 0, ranges: false };
  try {
    for (let tried = 1; ; tried += 1) {
      const before = progress.bytes;
      try {
        await attempt(req, part, progress);
        break;
      } catch (error) {
        if (!(error instanceof Interrupted)) throw error;
        const resumable = progress.ranges && progress.bytes > before;
        if (!resumable || tried >= attempts || req.signal?.aborted) throw error.failure;
      }
    }
    try {
      await rename(part, req.destination);
    } catch (error) {
      const code = errorCode(error) || 'EIO';
      throw new StorageError(
        `Could not save ${req.what}: the folder cannot be written (${code}). Choose another folder.`,
      );
    }
  } catch (error) {
    await rm(part, { force: true }).catch(() => undefined);
    throw error;
  }
}
