// HTTP for every service client: one undici Agent per service (keep-alive, connect/headers/body timeouts), the token
// in `Authorization` bare (reference/artlab-api-edition.md), no Origin header (ComfyUI refuses a foreign Origin), and
// every failure turned into an error with a kind and a sentence a user can act on — never containing the token.
import { Agent, request, errors as undiciErrors, type Dispatcher } from 'undici';
import { AuthError, NetworkError, ServiceError, TimeoutError, TooLargeError, describeBytes, excerpt } from '../errors';
import { redact } from '../log/redact';
import { readBoundedBody } from './bounded-body';
import { startDeadline, type Deadline } from './deadline';

/** JSON and protobuf replies are small; a service that sends more is broken or hostile. */
export const DEFAULT_MAX_REPLY_BYTES = 8 * 1024 * 1024;
/** An error page is only excerpted: the rest is dropped unread. */
const ERROR_BODY_BYTES = 64 * 1024;

export interface HttpClientOptions {
  /** Base URL; paths are resolved against it. */
  baseUrl: string;
  token?: string;
  /** What the user calls this service in messages, e.g. "the service “sd-prod”". */
  label: string;
  /** The service's name as coded sentences name it (the renderer words them); the URL's host when absent. */
  name?: string;
  /** The whole call, headers and body, must end within this (default 30 s). */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** The largest reply body read (default DEFAULT_MAX_REPLY_BYTES). */
  maxReplyBytes?: number;
  /** Shared dispatcher (tests may pass their own); by default one Agent per client. */
  dispatcher?: Dispatcher;
}

export interface HttpRequest {
  method?: Dispatcher.HttpMethod;
  /** Relative to baseUrl (no leading slash needed). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: string | Buffer | Uint8Array;
  timeoutMs?: number;
  /** The largest reply body read for this call (default: the client's). */
  maxBytes?: number;
  /** Over `maxBytes`, keep the first `maxBytes` and drop the rest instead of failing (a prefix is all we need). */
  truncate?: boolean;
  signal?: AbortSignal;
  /** Statuses the caller handles itself instead of an error (e.g. 404 for "not there"). */
  accept?: number[];
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body went on past the cap and was cut (only with `truncate`). */
  truncated: boolean;
  text(): string;
  json(): unknown;
}

export class HttpClient {
  readonly baseUrl: URL;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        keepAliveTimeout: 30_000,
        connect: { timeout: options.connectTimeoutMs ?? 10_000 },
        headersTimeout: options.timeoutMs ?? 30_000,
        bodyTimeout: options.timeoutMs ?? 30_000,
      });
  }

  url(path: string, query?: HttpRequest['query']): URL {
    const url = new URL(path.replace(/^\//, ''), this.baseUrl);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  /** Headers for requests made outside this client (websocket upgrades). */
  authHeaders(): Record<string, string> {
    return this.options.token ? { Authorization: this.options.token } : {};
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = this.url(req.path, req.query);
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    const maxBytes = req.maxBytes ?? this.options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
    // One deadline for headers and body together: undici's bodyTimeout is idle time between chunks, so a reply that
    // trickles a byte a second would otherwise hold the call for ever.
    const deadline = startDeadline(timeoutMs, req.signal);
    try {
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, {
          method: req.method ?? 'GET',
          headers: { ...this.authHeaders(), ...req.headers },
          body: req.body,
          dispatcher: this.dispatcher,
          signal: deadline.signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
      } catch (error) {
        throw this.transportError(error, deadline, req.signal);
      }
      const ok = (response.statusCode >= 200 && response.statusCode < 300) || req.accept?.includes(response.statusCode);
      let body: Buffer;
      let truncated: boolean;
      try {
        ({ bytes: body, truncated } = await readBoundedBody(response.body, response.headers['content-length'], {
          maxBytes: ok ? maxBytes : Math.min(maxBytes, ERROR_BODY_BYTES),
          truncate: !ok || req.truncate === true,
          tooLarge: (limit) =>
            new TooLargeError(
              `${this.options.label} sent more than ${describeBytes(limit)} for /${url.pathname.replace(/^\/+/, '')}; a reply that large is not what the app asked for. Check the service URL, or whether the service is misbehaving.`,
              limit,
            ).withCode('service-reply-too-large', { service: this.serviceName(), limit: describeBytes(limit) }),
        }));
      } catch (error) {
        if (error instanceof TooLargeError) throw error;
        throw this.transportError(error, deadline, req.signal);
      }
      const result: HttpResponse = {
        status: response.statusCode,
        headers: response.headers,
        body,
        truncated,
        text: () => body.toString('utf8'),
        json: () => JSON.parse(body.toString('utf8')) as unknown,
      };
      if (ok) return result;
      throw this.statusError(response.statusCode, result.text());
    } finally {
      deadline.clear();
    }
  }

  statusError(status: number, bodyText: string): Error {
    const label = this.options.label;
    const service = this.serviceName();
    const detail = redact(excerpt(bodyText));
    if (status === 401 || status === 403) {
      return new AuthError(
        `${label} refused the token (HTTP ${status}). Copy the token again from the console's call information.`,
      ).withCode('service-token-refused', { service, status });
    }
    if (status === 404) {
      return new ServiceError(`${label} has no such address (HTTP 404). Check the URL.`, status, detail).withCode(
        'service-no-such-address',
        { service },
      );
    }
    if (status === 429) {
      return new ServiceError(
        `${label} is busy (HTTP 429, too many requests). It will be retried.`,
        status,
        detail,
      ).withCode('service-busy', { service });
    }
    // A reply without a body is worded without the "(HTTP 500: )" an empty detail would leave.
    if (status >= 500) {
      const error = new ServiceError(
        `${label} failed (HTTP ${status}${detail ? `: ${detail}` : ''}). If it persists, check that the service is running.`,
        status,
        detail,
      );
      return detail
        ? error.withCode('service-failed', { service, status, detail })
        : error.withCode('service-failed-bare', { service, status });
    }
    const error = new ServiceError(
      `${label} rejected the request (HTTP ${status}${detail ? `: ${detail}` : ''}).`,
      status,
      detail,
    );
    return detail
      ? error.withCode('service-rejected', { service, status, detail })
      : error.withCode('service-rejected-bare', { service, status });
  }

  private transportError(error: unknown, deadline: Deadline, callerSignal?: AbortSignal): Error {
    const label = this.options.label;
    if (!deadline.expired && callerSignal?.aborted)
      return callerSignal.reason instanceof Error ? callerSignal.reason : new Error('aborted');
    if (
      deadline.expired ||
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError ||
      error instanceof undiciErrors.ConnectTimeoutError ||
      (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    ) {
      return new TimeoutError(
        `${label} did not answer in time. Check your network, or whether the service is overloaded.`,
      ).withCode('service-timeout', { service: this.serviceName() });
    }
    const code = (error as { code?: unknown } | null)?.code;
    const reason =
      code === 'ECONNREFUSED'
        ? 'refused the connection: is the service running?'
        : code === 'ENOTFOUND'
          ? 'could not be found: check the URL.'
          : 'could not be reached: check your network and the URL.';
    const sentence =
      code === 'ECONNREFUSED'
        ? 'service-connection-refused'
        : code === 'ENOTFOUND'
          ? 'service-host-unknown'
          : 'service-unreachable';
    return new NetworkError(`${label} ${reason}`).withCode(sentence, { service: this.serviceName() });
  }

  /** The service's name as coded sentences give it: the saved name, else the host. */
  serviceName(): string {
    if (this.options.name) return this.options.name;
    try {
      return new URL(this.options.baseUrl).host;
    } catch {
      return this.options.baseUrl;
    }
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}
