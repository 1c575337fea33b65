// The EAS queue service's HTTP operations on one queue (reference/eas-queue.md): one URL, the method and reserved
// `_x_` parameters choose the operation, every other parameter is a tag. Transport failures and statuses become
// error kinds in HttpClient; this file only knows the protocol.
import { fromBinary } from '@bufbuild/protobuf';
import { z } from 'zod';
import { ServiceError, excerpt } from '../../errors';
import { redact } from '../../log/redact';
import type { HttpClient, HttpResponse } from '../http';
import { AttributesProtoSchema, DataFrameListProtoSchema, type DataFrameProto } from './proto/queue_pb';
import { peekFrameList, type FramePeek } from './sink-frame';

/** Enough of a get reply for an item's index, its size and its tags, never its data. */
const PEEK_BYTES = 64 * 1024;

export const PROTOBUF = 'application/vnd.google.protobuf';
export const UID_HEADER = 'X-EAS-QueueService-Redis-Uid';
export const GID_HEADER = 'X-EAS-QueueService-Redis-Gid';
export const REQUEST_ID_HEADER = 'x-eas-queueservice-request-id';
export const DEFAULT_GROUP = 'eas';

export interface QueueClientOptions {
  /** Shared by the queues of one service, with its base URL at `<endpoint>/api/predict/`. */
  http: HttpClient;
  /** The queue name under `/api/predict/`: `<service>` or `<service>/sink`. */
  queue: string;
  /** The consumer uid, stable per service so uncommitted items come back to this app after a restart. */
  uid: string;
  gid?: string;
}

export interface QueueAttributes {
  /** Every attribute, as the service reported it (all values are strings). */
  all: Record<string, string>;
  /** Items in the queue (`stream.length`); the honest "jobs waiting" figure for the input queue. */
  length: number | undefined;
  /** `consumers.status.total`, or `consumers.stats.total` as the docs spell it. */
  consumers: number | undefined;
}

export interface PutReceipt {
  index: number;
  requestId: string | undefined;
}

export interface GetOptions {
  index?: number;
  length?: number;
  /** Long-poll time; sent as a Go duration (`250ms`). */
  timeoutMs?: number;
  /** Off by default: the Python SDK's destructive default (`auto_delete=true`) loses items on a crash. */
  autoDelete?: boolean;
  requestId?: string;
  tags?: Record<string, string>;
}

const searchSchema = z.looseObject({
  IsPending: z.boolean().optional(),
  WaitCount: z.number().int().nonnegative().optional(),
});
export type SearchResult = z.infer<typeof searchSchema>;

const attributesJsonSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const indexReplySchema = z.string().trim().regex(/^\d+$/);

export class QueueClient {
  readonly queue: string;
  private readonly http: HttpClient;
  private readonly identityHeaders: Record<string, string>;

  constructor(options: QueueClientOptions) {
    this.http = options.http;
    this.queue = options.queue;
    this.identityHeaders = { [UID_HEADER]: options.uid, [GID_HEADER]: options.gid ?? DEFAULT_GROUP };
  }

  /** The queue URL, `<endpoint>/api/predict/<queue>`, with an optional path suffix such as `api_prompt`. */
  url(suffix = '', query?: Record<string, string | number | boolean | undefined>): URL {
    return this.http.url(this.path(suffix), query);
  }

  /** Headers for the websocket upgrade: the token, the consumer identity and the protobuf Accept. */
  watchHeaders(): Record<string, string> {
    return { ...this.http.authHeaders(), ...this.identityHeaders, Accept: PROTOBUF };
  }

  async attributes(signal?: AbortSignal): Promise<QueueAttributes> {
    const res = await this.send({ method: 'GET', query: { _attrs_: true }, protobuf: true, signal });
    const all = isProtobuf(res)
      ? { ...this.decode(() => fromBinary(AttributesProtoSchema, res.body).attributes, 'attributes') }
      : this.parseJson(res, attributesJsonSchema, 'attributes');
    const strings = Object.fromEntries(Object.entries(all).map(([key, value]) => [key, String(value)]));
    return {
      all: strings,
      length: intOf(strings['stream.length']),
      consumers: intOf(strings['consumers.status.total'] ?? strings['consumers.stats.total']),
    };
  }

  /** Appends `body`; `suffix` is the ArtLab `api_prompt` path. The reply body is the new index. */
  async put(
    body: string | Uint8Array,
    tags: Record<string, string> = {},
    options: { suffix?: string; signal?: AbortSignal } = {},
  ): Promise<PutReceipt> {
    const res = await this.send({ method: 'POST', suffix: options.suffix, query: tags, body, signal: options.signal });
    const index = indexReplySchema.safeParse(res.text());
    if (!index.success) throw this.protocolError('a queue index', res.text());
    const requestId = res.headers[REQUEST_ID_HEADER];
    return { index: Number(index.data), requestId: Array.isArray(requestId) ? requestId[0] : requestId };
  }

  /** Reads items from `index` on; with `autoDelete` off (the default) they stay in the queue. */
  async get(options: GetOptions = {}, signal?: AbortSignal): Promise<DataFrameProto[]> {
    const timeoutMs = options.timeoutMs ?? 0;
    const res = await this.send({
      method: 'GET',
      protobuf: true,
      signal,
      // The long poll must not be cut by the client's own timeout.
      timeoutMs: timeoutMs > 0 ? timeoutMs + 30_000 : undefined,
      query: {
        ...options.tags,
        _index_: options.index ?? 0,
        _length_: options.length ?? 1,
        _timeout_: `${Math.max(0, Math.round(timeoutMs))}ms`,
        _raw_: false,
        _auto_delete_: options.autoDelete ?? false,
        requestId: options.requestId,
      },
    });
    return this.decode(() => fromBinary(DataFrameListProtoSchema, res.body).index, 'a list of frames');
  }

  /**
   * The index, size and tags of the first item at or after `index`, read from a bounded prefix of a get: how the
   * watcher names a frame too large to receive. A get without auto-delete leaves the item in the queue; whether the
   * real service then counts it as delivered to this uid is not published, and the watcher commits it next anyway.
   */
  async peek(index: number, signal?: AbortSignal): Promise<FramePeek | undefined> {
    const res = await this.http.request({
      method: 'GET',
      path: this.path(''),
      query: { _index_: index, _length_: 1, _timeout_: '0ms', _raw_: false, _auto_delete_: false },
      headers: { ...this.identityHeaders, Accept: PROTOBUF },
      maxBytes: PEEK_BYTES,
      truncate: true,
      signal,
    });
    return peekFrameList(res.body);
  }

  /**
   * The index and tags of the first item carrying every tag in `tags` (e.g. `{ task_id }`), read from a bounded prefix
   * of a tag-filtered get without auto-delete, so neither the item nor its data leave the queue. `undefined` when the
   * queue holds no such item.
   */
  async find(tags: Record<string, string>, signal?: AbortSignal): Promise<FramePeek | undefined> {
    const res = await this.http.request({
      method: 'GET',
      path: this.path(''),
      query: { ...tags, _index_: 0, _length_: 1, _timeout_: '0ms', _raw_: false, _auto_delete_: false },
      headers: { ...this.identityHeaders, Accept: PROTOBUF },
      maxBytes: PEEK_BYTES,
      truncate: true,
      signal,
    });
    const found = peekFrameList(res.body);
    if (!found) return undefined;
    // A service that ignored the filter would answer with another item: only a matching one counts.
    return Object.entries(tags).every(([key, value]) => found.tags[key] === value) ? found : undefined;
  }

  /** Where an item stands: `undefined` when the queue no longer holds it (taken and finished, or deleted). */
  async search(index: number, signal?: AbortSignal): Promise<SearchResult | undefined> {
    const res = await this.send({
      method: 'GET',
      query: { _search_: true, _index_: index },
      accept: [404],
      signal,
    });
    if (res.status === 404) return undefined;
    return this.parseJson(res, searchSchema, 'a search result');
  }

  /** Commits items: they are not delivered again and leave the queue. */
  async commit(indexes: readonly number[], signal?: AbortSignal): Promise<void> {
    if (indexes.length === 0) return;
    await this.send({ method: 'PUT', query: { _indexes_: indexes.join(',') }, signal });
  }

  async delete(indexes: readonly number[], signal?: AbortSignal): Promise<void> {
    if (indexes.length === 0) return;
    await this.send({ method: 'DELETE', query: { _indexes_: indexes.join(',') }, signal });
  }

  /** Removes every item with an index below `below`. */
  async truncate(below: number, signal?: AbortSignal): Promise<void> {
    await this.send({ method: 'DELETE', query: { _index_: below, _trunc_: true }, signal });
  }

  private path(suffix: string): string {
    const segments = [...this.queue.split('/'), ...(suffix ? [suffix] : [])];
    return segments.map((segment) => encodeURIComponent(segment)).join('/');
  }

  private send(req: {
    method: 'GET' | 'POST' | 'PUT' | 'DELETE';
    query: Record<string, string | number | boolean | undefined>;
    suffix?: string;
    body?: string | Uint8Array;
    protobuf?: boolean;
    accept?: number[];
    timeoutMs?: number;
    signal?: AbortSignal;
  }): Promise<HttpResponse> {
    return this.http.request({
      method: req.method,
      path: this.path(req.suffix ?? ''),
      query: req.query,
      headers: { ...this.identityHeaders, ...(req.protobuf ? { Accept: PROTOBUF } : {}) },
      body: req.body,
      accept: req.accept,
      timeoutMs: req.timeoutMs,
      signal: req.signal,
    });
  }

  private decode<T>(read: () => T, what: string): T {
    try {
      return read();
    } catch {
      throw this.protocolError(what, '(undecodable protobuf)');
    }
  }

  private parseJson<T>(res: HttpResponse, schema: z.ZodType<T>, what: string): T {
    let value: unknown;
    try {
      value = res.json();
    } catch {
      throw this.protocolError(what, res.text());
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw this.protocolError(what, res.text());
    return parsed.data;
  }

  private protocolError(what: string, body: string): ServiceError {
    const detail = redact(excerpt(body));
    return new ServiceError(
      `The queue “${this.queue}” answered with something other than ${what} (${detail || 'empty reply'}). Check that the URL is an API-edition service.`,
      200,
      detail,
    );
  }
}

function isProtobuf(res: HttpResponse): boolean {
  const type = res.headers['content-type'];
  return (Array.isArray(type) ? type.join(',') : (type ?? '')).toLowerCase().includes(PROTOBUF);
}

function intOf(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
