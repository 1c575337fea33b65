// Errors are values with a kind (STYLE.md). Every message is written for the user: it says what happened and what to
// do, and never carries a secret (callers pass excerpts through redact() before building one).

export type ErrorKind =
  | 'auth'
  | 'network'
  | 'timeout'
  | 'service'
  | 'validation'
  | 'storage'
  | 'not_found'
  | 'bad_request'
  | 'cancelled'
  | 'internal';

export abstract class ArtlabError extends Error {
  abstract readonly kind: ErrorKind;
  code?: string;
  params?: Record<string, string | number>;

  /**
   * Names this sentence for the renderer, which words it in the artist's language; `message` stays the English the
   * CLI and the logs print. The code is one of the contract's ErrorCodeSchema (this leaf cannot import it: the
   * dispatcher checks it, and an unknown code is left off so the renderer shows the kind and the English).
   */
  withCode(code: string, params: Record<string, string | number> = {}): this {
    this.code = code;
    this.params = params;
    return this;
  }
  /** Transient failures (network, timeouts, 5xx, 429) may be retried with the same job identity. */
  get retryable(): boolean {
    return false;
  }
}

/** The service refused the credentials (401/403, OSS AccessDenied / SignatureDoesNotMatch). */
export class AuthError extends ArtlabError {
  readonly kind = 'auth';
}

/** The service could not be reached: refused, reset, DNS, TLS. */
export class NetworkError extends ArtlabError {
  readonly kind = 'network';
  override get retryable(): boolean {
    return true;
  }
}

export class TimeoutError extends ArtlabError {
  readonly kind = 'timeout';
  override get retryable(): boolean {
    return true;
  }
}

/** The service answered with an unexpected status; `bodyExcerpt` is a short, redacted piece of its reply. */
export class ServiceError extends ArtlabError {
  readonly kind = 'service';
  constructor(
    message: string,
    readonly status: number,
    readonly bodyExcerpt = '',
  ) {
    super(message);
  }
  override get retryable(): boolean {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

/**
 * A 5xx the service's own semantics make final for this request: ComfyUI answers POST /prompt with 500 when it cannot
 * read the body, and the same body gets the same answer. Not retryable, unlike a gateway's 502/503.
 */
export class PermanentServiceError extends ServiceError {
  override get retryable(): boolean {
    return false;
  }
}

/** A workflow or an input is wrong; `node` and `input` say where, when known. */
export class ValidationError extends ArtlabError {
  readonly kind = 'validation';
  constructor(
    message: string,
    readonly node?: string,
    readonly input?: string,
  ) {
    super(message);
  }
}

/** The local disk or database failed (full, read-only, corrupt). */
export class StorageError extends ArtlabError {
  readonly kind = 'storage';
}

export class NotFoundError extends ArtlabError {
  readonly kind = 'not_found';
}

/** A caller (the renderer, the CLI) sent something malformed. */
export class BadRequestError extends ArtlabError {
  readonly kind = 'bad_request';
}

export class CancelledError extends ArtlabError {
  readonly kind = 'cancelled';
}

export function isArtlabError(error: unknown): error is ArtlabError {
  return error instanceof ArtlabError;
}

/** A short, single-line excerpt of a reply body for an error message. */
export function excerpt(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

/**
 * A service sent more than the app reads for that purpose (a reply, a frame, a file). Not retryable: the same request
 * brings the same bytes. `limitBytes` is the cap that was passed.
 */
export class TooLargeError extends ServiceError {
  constructor(
    message: string,
    readonly limitBytes: number,
  ) {
    super(message, 200);
  }
  override get retryable(): boolean {
    return false;
  }
}

/** "8 MiB", "1.5 GiB", "512 bytes": a size for a message. */
export function describeBytes(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 3, 'GiB'],
    [1024 ** 2, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}
