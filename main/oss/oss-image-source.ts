// The gallery's view of a service's OSS output folder through the official SDK (reference/oss.md): get (streamed to a
// `.part` file, resumed with Range after a break, renamed into place when complete), head, and a paginated listing.
import { createWriteStream } from 'node:fs';
import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type OSS from 'ali-oss';
import { startDeadline } from '../editions/deadline';
import {
  NetworkError,
  NotFoundError,
  StorageError,
  TimeoutError,
  TooLargeError,
  ValidationError,
  describeBytes,
} from '../errors';
import { registerSecret } from '../log/redact';
import { mapOssError } from './oss-errors';
import { closeIdleSockets, IDLE_SOCKET_TIMEOUT_MS, isStaleSocketReset } from './oss-sockets';
import { outputFolder, outputKey, parseStoragePath, type StoragePath } from './storage-path';

export interface OssImageSourceOptions {
  /** `oss://<bucket>/<prefix>/`, as the console shows the service's mount. */
  storagePath: string;
  /** `cn-shanghai` or `oss-cn-shanghai`; or give `endpoint`. */
  region?: string;
  /** `oss-cn-shanghai.aliyuncs.com`, or `http://127.0.0.1:P` for a loopback server. Takes priority over region. */
  endpoint?: string;
  accessKeyId: string;
  accessKeySecret: string;
  stsToken?: string;
  authorizationV4?: boolean;
  timeoutMs?: number;
  /** A download that receives nothing for this long has stalled (default 30 s); the SDK's timeout ends at headers. */
  idleTimeoutMs?: number;
  /** The largest object downloaded (default 2 GiB: output videos are large, nothing else is). */
  maxObjectBytes?: number;
  /** How long an idle kept-alive socket stays in the pool (default 4 s, below OSS's ~60 s and Node's 5 s). */
  idleSocketTimeoutMs?: number;
}

export interface OutputFileRef {
  filename: string;
  subfolder?: string;
}

export interface OssObjectInfo {
  key: string;
  size: number;
  etag: string;
  lastModified?: string;
  contentType?: string;
}

/** One listed output: its key and where it sits in the output folder. */
export interface OssOutputObject extends OssObjectInfo {
  filename: string;
  subfolder: string;
}

export interface ListPageRequest {
  /** A folder below `output/` ('' = the output folder itself). */
  subfolder?: string;
  /** true: every object below, without folder grouping. */
  recursive?: boolean;
  /** 1..1000 (OSS's limit). */
  maxKeys?: number;
  continuationToken?: string;
}

export interface ListPage {
  files: OssOutputObject[];
  /** Subfolders directly below (only without `recursive`), relative to `output/`. */
  subfolders: string[];
  /** Keys whose names could not be saved locally (`..`, backslashes, control characters): not listed. */
  refused: number;
  nextContinuationToken?: string;
}

export interface GetOptions {
  signal?: AbortSignal;
  /** Bytes on disk so far (resumed bytes included), for progress display. */
  onProgress?: (bytes: number, total: number) => void;
}

function fieldOf(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Whether requests to this endpoint (or to a region's, when none is given) go over TLS. */
export function usesTls(endpoint: string | undefined): boolean {
  return !endpoint?.trim().toLowerCase().startsWith('http://');
}

/**
 * An endpoint as typed, with https:// added when it has no scheme: ali-oss parses `host:port` as a URL whose scheme
 * is `host:` and refuses it.
 */
function withScheme(endpoint: string): string {
  const trimmed = endpoint.trim();
  return /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
}

function normaliseRegion(region: string): string {
  return region.startsWith('oss-') ? region : `oss-${region}`;
}

const DEFAULT_MAX_OBJECT_BYTES = 2 * 1024 ** 3;
const DEFAULT_IDLE_MS = 30_000;

const STORAGE_CODES = new Set(['ENOSPC', 'EACCES', 'EPERM', 'EROFS', 'EISDIR', 'EMFILE', 'EDQUOT', 'ENOENT']);

export class OssImageSource {
  readonly location: StoragePath;
  private readonly sdkOptions: OSS.Options & { agent: HttpAgent; httpsAgent: HttpsAgent };
  private sdk: Promise<OSS> | undefined;
  // Our own keep-alive agents instead of the SDK's process-wide ones, so that close() really closes the sockets
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;

  constructor(private readonly options: OssImageSourceOptions) {
    this.location = parseStoragePath(options.storagePath);
    const idleMs = options.idleSocketTimeoutMs ?? IDLE_SOCKET_TIMEOUT_MS;
    const agentOptions: AgentOptions = { keepAlive: true, maxSockets: 8 };
    this.httpAgent = closeIdleSockets(new HttpAgent(agentOptions), idleMs);
    this.httpsAgent = closeIdleSockets(new HttpsAgent(agentOptions), idleMs);
    if (!options.endpoint && !options.region) {
      throw new ValidationError('The OSS settings need a region (such as cn-shanghai) or an endpoint.').withCode(
        'oss-region-missing',
      );
    }
    registerSecret(options.accessKeySecret);
    registerSecret(options.stsToken);
    this.sdkOptions = {
      agent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      bucket: this.location.bucket,
      accessKeyId: options.accessKeyId,
      accessKeySecret: options.accessKeySecret,
      timeout: options.timeoutMs ?? 60_000,
      ...(options.endpoint ? { endpoint: withScheme(options.endpoint) } : {}),
      ...(options.region ? { region: normaliseRegion(options.region) } : {}),
      ...(options.stsToken ? { stsToken: options.stsToken } : {}),
      // ali-oss talks plain HTTP unless told otherwise (its `secure` defaults to false): TLS always, except to an
      // endpoint the user typed as http:// (a loopback simulator, a local proxy).
      secure: usesTls(options.endpoint),
      ...(options.authorizationV4 ? { authorizationV4: true } : {}),
    };
  }

  // ali-oss and its dependency tree cost about 15 MB resident: loaded with the first request, not with the Studio.
  private client(): Promise<OSS> {
    this.sdk ??= import('ali-oss').then(({ default: Client }) => new Client(this.sdkOptions));
    return this.sdk;
  }

  /** GET, HEAD and list: sent once more when the pooled socket they went out on had been closed by the server. */
  private async idempotent<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (!isStaleSocketReset(error)) throw error;
      return request();
    }
  }

  /** The key of an output file; throws ValidationError for a hostile name. */
  keyOf(file: OutputFileRef): string {
    return outputKey(this.location, file);
  }

  private fail(error: unknown, what?: string): Error {
    return mapOssError(error, {
      bucket: this.location.bucket,
      accessKeyId: this.options.accessKeyId,
      ...(what ? { what } : {}),
    });
  }

  async head(file: OutputFileRef): Promise<OssObjectInfo> {
    const key = this.keyOf(file);
    return this.headKey(key, `the image "${key}"`);
  }

  private async headKey(key: string, what: string): Promise<OssObjectInfo> {
    let result: OSS.HeadObjectResult;
    try {
      result = await this.idempotent(async () => (await this.client()).head(key));
    } catch (error) {
      throw this.fail(error, what);
    }
    const headers = result.res.headers;
    const lastModified = header(headers, 'last-modified');
    const contentType = header(headers, 'content-type');
    return {
      key,
      size: Number(header(headers, 'content-length') ?? 0),
      etag: header(headers, 'etag') ?? '',
      ...(lastModified ? { lastModified } : {}),
      ...(contentType ? { contentType } : {}),
    };
  }

  /** The size of the object at `key`, or undefined when there is none. */
  async sizeOf(key: string): Promise<number | undefined> {
    try {
      return (await this.headKey(key, `"${key}"`)).size;
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * Writes `bytes` at `key` unless an object is already there (`x-oss-forbid-overwrite`: a content-named key holds
   * these very bytes), or over it with `replace`. Resolves false when one was kept. `timeoutMs` bounds the request.
   */
  async putNew(key: string, bytes: Uint8Array, timeoutMs: number, replace = false): Promise<boolean> {
    try {
      const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const headers = { 'x-oss-forbid-overwrite': replace ? 'false' : 'true' };
      await (await this.client()).put(key, body, { headers, timeout: timeoutMs });
      return true;
    } catch (error) {
      if (fieldOf(error, 'code') === 'FileAlreadyExists' || fieldOf(error, 'status') === 409) return false;
      throw mapOssError(error, { bucket: this.location.bucket, accessKeyId: this.options.accessKeyId, write: true });
    }
  }

  /**
   * Downloads an output file to `destination`. Bytes go to `destination.part` (its ETag beside it in
   * `destination.part.etag`); after a break, the next call asks only for the rest with Range, provided the object is
   * unchanged. The file appears at `destination` only when complete.
   */
  async get(file: OutputFileRef, destination: string, options: GetOptions = {}): Promise<OssObjectInfo> {
    const key = this.keyOf(file);
    options.signal?.throwIfAborted();
    const what = `the image "${key}"`;
    const part = `${destination}.part`;
    const etagFile = `${part}.etag`;
    let info: OssObjectInfo;
    try {
      info = await this.headKey(key, what);
    } catch (error) {
      await rm(part, { force: true });
      await rm(etagFile, { force: true });
      throw error;
    }
    const maxBytes = this.options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
    if (info.size > maxBytes) throw this.tooLarge(what, maxBytes);
    const offset = await this.resumableBytes(part, etagFile, info);
    if (offset === 0) await this.local(writeFile(etagFile, info.etag), what);
    if (offset < info.size || info.size === 0) {
      await this.fetchInto(key, what, part, offset, info, options);
    }
    const written = (await this.local(stat(part), what)).size;
    if (written !== info.size) {
      throw new NetworkError(
        `The download of ${what} ended early (${written} of ${info.size} bytes). Try again: it resumes where it stopped.`,
      );
    }
    await this.local(rename(part, destination), what);
    await rm(etagFile, { force: true });
    return info;
  }

  /** How many bytes of `part` can be kept: all of them when it belongs to this very object version. */
  private async resumableBytes(part: string, etagFile: string, info: OssObjectInfo): Promise<number> {
    const [size, etag] = await Promise.all([
      stat(part).then(
        (s) => s.size,
        () => 0,
      ),
      readFile(etagFile, 'utf8').catch(() => ''),
    ]);
    if (size > 0 && etag === info.etag && size <= info.size) return size;
    await rm(part, { force: true });
    return 0;
  }

  private async fetchInto(
    key: string,
    what: string,
    part: string,
    offset: number,
    info: OssObjectInfo,
    options: GetOptions,
  ): Promise<void> {
    let response: OSS.GetStreamResult;
    try {
      const range = offset > 0 ? { headers: { Range: `bytes=${offset}-` } } : {};
      response = await this.idempotent(async () => (await this.client()).getStream(key, range));
    } catch (error) {
      throw this.fail(error, what);
    }
    const stream = response.stream as Readable;
    // OSS ignores a range it cannot satisfy and answers 200 with the whole object: start over then
    const append = response.res.status === 206;
    let done = append ? offset : 0;
    const maxBytes = Math.min(info.size, this.options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES);
    // The SDK's timeout ends once headers arrive: a body that stops must not hold the download for ever
    const idleMs = this.options.idleTimeoutMs ?? DEFAULT_IDLE_MS;
    const idle = startDeadline(idleMs, options.signal);
    let tooLarge: TooLargeError | undefined;
    stream.on('data', (chunk: Buffer) => {
      done += chunk.length;
      idle.restart();
      // More than HEAD announced (or the cap): the object changed under us or the server is broken
      if (done > maxBytes) stream.destroy((tooLarge = this.tooLarge(what, maxBytes)));
      else options.onProgress?.(done, info.size);
    });
    const abort = (): void => {
      const reason: unknown = idle.signal.reason;
      stream.destroy(reason instanceof Error ? reason : new Error('aborted'));
    };
    idle.signal.addEventListener('abort', abort, { once: true });
    try {
      if (idle.signal.aborted) abort();
      await pipeline(stream, createWriteStream(part, { flags: append ? 'a' : 'w' }));
    } catch (error) {
      if (tooLarge) {
        await rm(part, { force: true });
        throw tooLarge;
      }
      if (idle.expired) {
        throw new TimeoutError(
          `OSS stopped sending ${what} (nothing arrived for ${Math.round(idleMs / 1000)} s). Try again: it resumes where it stopped.`,
        );
      }
      if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : error;
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && STORAGE_CODES.has(code)) throw this.storageError(code, what);
      // the .part stays: the next get() resumes from it
      throw new NetworkError(`The download of ${what} from OSS broke off. Try again: it resumes where it stopped.`);
    } finally {
      idle.signal.removeEventListener('abort', abort);
      idle.clear();
    }
  }

  private tooLarge(what: string, maxBytes: number): TooLargeError {
    return new TooLargeError(
      `OSS holds more than ${describeBytes(maxBytes)} for ${what}; that is not an output file the app can keep.`,
      maxBytes,
    );
  }

  private storageError(code: string, what: string): StorageError {
    const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full' : `the folder cannot be written (${code})`;
    return new StorageError(`Could not save ${what}: ${why}. Free some space or choose another folder.`);
  }

  private async local<T>(operation: Promise<T>, what: string): Promise<T> {
    try {
      return await operation;
    } catch (error) {
      throw this.storageError((error as { code?: string } | null)?.code ?? 'EIO', what);
    }
  }

  /** One page of the output folder (ListObjectsV2). */
  async listPage(request: ListPageRequest = {}): Promise<ListPage> {
    const root = outputFolder(this.location);
    const sub = (request.subfolder ?? '').replace(/^\/+|\/+$/g, '');
    if (sub !== '') this.keyOf({ filename: 'x', subfolder: sub }); // refuses a hostile subfolder
    const prefix = sub === '' ? root : `${root}${sub}/`;
    let result: OSS.ListV2ObjectResult;
    try {
      const client = await this.client();
      result = await this.idempotent(() =>
        client.listV2({
          prefix,
          'max-keys': Math.min(1000, Math.max(1, request.maxKeys ?? 1000)),
          ...(request.recursive ? {} : { delimiter: '/' }),
          ...(request.continuationToken ? { 'continuation-token': request.continuationToken } : {}),
        }),
      );
    } catch (error) {
      throw this.fail(error);
    }
    const files: OssOutputObject[] = [];
    let refused = 0;
    for (const object of result.objects ?? []) {
      const relative = object.name.slice(root.length);
      const slash = relative.lastIndexOf('/');
      const filename = relative.slice(slash + 1);
      const subfolder = slash < 0 ? '' : relative.slice(0, slash);
      if (!object.name.startsWith(root) || filename === '') continue; // folder markers
      try {
        this.keyOf({ filename, subfolder });
      } catch {
        refused += 1;
        continue;
      }
      files.push({
        key: object.name,
        filename,
        subfolder,
        size: Number(object.size),
        etag: object.etag,
        lastModified: object.lastModified,
      });
    }
    const subfolders = (result.prefixes ?? [])
      .filter((p) => p.startsWith(root))
      .map((p) => p.slice(root.length).replace(/\/$/, ''));
    return {
      files,
      subfolders,
      refused,
      ...(result.isTruncated && result.nextContinuationToken
        ? { nextContinuationToken: result.nextContinuationToken }
        : {}),
    };
  }

  /** Every output file, page after page (`recursive` by default: the gallery wants every image). */
  async *listOutputs(request: Omit<ListPageRequest, 'continuationToken'> = {}): AsyncGenerator<OssOutputObject> {
    let token: string | undefined;
    const recursive = request.recursive ?? true;
    do {
      const page = await this.listPage({ ...request, recursive, ...(token ? { continuationToken: token } : {}) });
      yield* page.files;
      token = page.nextContinuationToken;
    } while (token);
  }

  close(): Promise<void> {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    return Promise.resolve();
  }
}
