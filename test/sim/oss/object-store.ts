// One OSS bucket in memory: what the simulated OSS server serves and what simulated ComfyUI workers write into their
// mounted output folder. Keys stay sorted, so listing 10,000 objects page by page stays cheap.
import { createHash } from 'node:crypto';

export interface ObjectMeta {
  key: string;
  size: number;
  contentType: string;
  /** As OSS sends it: the upper-case MD5 in double quotes. */
  etag: string;
  lastModified: Date;
}

export interface StoredObject extends ObjectMeta {
  bytes: Buffer;
}

export interface ListOptions {
  prefix?: string;
  delimiter?: string;
  /** 1..1000; OSS's default is 100. */
  maxKeys?: number;
  /** From a previous page's `nextContinuationToken`. */
  continuationToken?: string;
  startAfter?: string;
}

export interface ListPage {
  contents: ObjectMeta[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextContinuationToken?: string;
  /** Objects plus common prefixes on this page. */
  keyCount: number;
}

export class InvalidContinuationTokenError extends Error {}

export type ObjectListener = (event: { type: 'put' | 'delete'; key: string }) => void;

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  mp4: 'video/mp4',
  json: 'application/json',
  txt: 'text/plain',
};

/** The Content-Type a file name implies, as OSS and ComfyUI guess it. */
export function contentTypeFor(name: string): string {
  const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

/** A single `bytes=a-b` / `bytes=a-` / `bytes=-n` range within `size`; undefined when absent or unsatisfiable. */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [from = '', to = ''] = [match[1], match[2]];
  const start = from === '' ? Math.max(0, size - Number(to)) : Number(from);
  const end = from === '' || to === '' ? size - 1 : Math.min(Number(to), size - 1);
  return start <= end && start < size ? { start, end } : undefined;
}

export class ObjectStore {
  private readonly objects = new Map<string, StoredObject>();
  private readonly sortedKeys: string[] = [];
  private readonly listeners = new Set<ObjectListener>();

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.objects.size;
  }

  put(key: string, bytes: Buffer, contentType = contentTypeFor(key)): ObjectMeta {
    const stored: StoredObject = {
      key,
      bytes,
      size: bytes.length,
      contentType,
      etag: `"${createHash('md5').update(bytes).digest('hex').toUpperCase()}"`,
      // HTTP dates have second precision: keep it so Last-Modified and If-Modified-Since agree
      lastModified: new Date(Math.floor(this.now() / 1000) * 1000),
    };
    if (!this.objects.has(key)) this.sortedKeys.splice(this.lowerBound(key), 0, key);
    this.objects.set(key, stored);
    for (const listener of this.listeners) listener({ type: 'put', key });
    return metaOf(stored);
  }

  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  head(key: string): ObjectMeta | undefined {
    const stored = this.objects.get(key);
    return stored ? metaOf(stored) : undefined;
  }

  delete(key: string): boolean {
    if (!this.objects.delete(key)) return false;
    this.sortedKeys.splice(this.lowerBound(key), 1);
    for (const listener of this.listeners) listener({ type: 'delete', key });
    return true;
  }

  /** Calls `listener` after every put and delete; returns the unsubscribe. */
  subscribe(listener: ObjectListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** ListObjectsV2 semantics: keys in order, rolled up into common prefixes at the delimiter, paged by token. */
  list(options: ListOptions = {}): ListPage {
    const prefix = options.prefix ?? '';
    const delimiter = options.delimiter ?? '';
    const maxKeys = Math.min(Math.max(options.maxKeys ?? 100, 0), 1000);
    let index: number;
    if (options.continuationToken !== undefined) index = this.lowerBound(decodeToken(options.continuationToken));
    else if (options.startAfter !== undefined && options.startAfter >= prefix) {
      index = this.upperBound(options.startAfter);
    } else index = this.lowerBound(prefix);

    const contents: ObjectMeta[] = [];
    const commonPrefixes: string[] = [];
    let nextContinuationToken: string | undefined;
    while (index < this.sortedKeys.length) {
      const key = this.sortedKeys[index];
      if (key === undefined || !key.startsWith(prefix)) break;
      if (contents.length + commonPrefixes.length >= maxKeys) {
        nextContinuationToken = encodeToken(key);
        break;
      }
      const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
      if (cut >= 0) {
        const common = key.slice(0, cut + delimiter.length);
        commonPrefixes.push(common);
        while (index < this.sortedKeys.length && this.sortedKeys[index]?.startsWith(common)) index += 1;
        continue;
      }
      const stored = this.objects.get(key);
      if (stored) contents.push(metaOf(stored));
      index += 1;
    }
    return {
      contents,
      commonPrefixes,
      isTruncated: nextContinuationToken !== undefined,
      ...(nextContinuationToken !== undefined ? { nextContinuationToken } : {}),
      keyCount: contents.length + commonPrefixes.length,
    };
  }

  private lowerBound(key: string): number {
    let low = 0;
    let high = this.sortedKeys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.sortedKeys[mid] ?? '') < key) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private upperBound(key: string): number {
    let low = 0;
    let high = this.sortedKeys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.sortedKeys[mid] ?? '') <= key) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

function metaOf(stored: StoredObject): ObjectMeta {
  const { key, size, contentType, etag, lastModified } = stored;
  return { key, size, contentType, etag, lastModified };
}

// the token is opaque to clients; inside it is the first key of the next page
function encodeToken(key: string): string {
  return Buffer.from(`v1:${key}`, 'utf8').toString('base64');
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!text.startsWith('v1:')) throw new InvalidContinuationTokenError('The continuation token is not valid.');
  return text.slice(3);
}
