// The Alibaba Cloud gateway's check of an ACS3-HMAC-SHA256 ("V3") signed request, written from the verifier checklist
// of reference/eas-control.md §5. The app never signs by hand (it uses @alicloud/openapi-core); the simulator must
// check what that library sends, so a wrong secret, a replayed nonce or a stale clock is refused as the cloud would.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const ACS3 = 'ACS3-HMAC-SHA256';
/** D-V3: x-acs-date must be within 15 minutes of the server's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** Headers the gateway needs signed; whatever else SignedHeaders lists is signed too (newer libraries add some). */
const REQUIRED_SIGNED = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce'];

export interface SignedRequest {
  method: string;
  /** The path exactly as received, still percent-encoded. */
  rawPath: string;
  /** The query exactly as received (without `?`), or ''. */
  rawQuery: string;
  /** Header values by lower-case name; a repeated header has several values. */
  headers: Record<string, string[]>;
  body: Buffer;
}

export interface GatewayRefusal {
  ok: false;
  status: number;
  code: string;
  message: string;
}
export type Verification = { ok: true; accessKeyId: string; action: string } | GatewayRefusal;

export interface VerifierOptions {
  /** The secret of an AccessKey ID the account knows, or undefined. */
  secretOf(accessKeyId: string): string | undefined;
  now(): number;
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** encodeURIComponent plus `!'()*`, as the SDK encodes query values when signing (CORE `encode`). */
export function acsEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Step 3: the canonical query from what was received. The wire form is Node's querystring (which leaves `!'()*` raw),
 * the signed form encodes them: decode, then re-encode, or a `Filter=ai4d (x)` never verifies.
 */
export function canonicalQuery(rawQuery: string): string {
  const pairs: [string, string][] = [];
  for (const [name, value] of new URLSearchParams(rawQuery)) pairs.push([name, value]);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // The SDK leaves names unencoded (reference §5 step 3); ours are plain ASCII words either way.
  return pairs.map(([name, value]) => `${name}=${acsEncode(value)}`).join('&');
}

/** Step 2: the path as sent, with the SDK's three substitutions. */
export function canonicalUri(rawPath: string): string {
  return rawPath.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
}

/** Steps 4–7 for a given list of signed header names: the hex signature. */
export function acs3Signature(
  request: Omit<SignedRequest, 'body'>,
  signedHeaders: string[],
  payloadHash: string,
  secret: string,
): string {
  const canonicalHeaders = signedHeaders
    .map(
      (name) =>
        `${name}:${[...(request.headers[name] ?? [])]
          .map((v) => v.trim())
          .sort()
          .join(',')}\n`,
    )
    .join('');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(request.rawPath),
    canonicalQuery(request.rawQuery),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = `${ACS3}\n${sha256Hex(canonicalRequest)}`;
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(stringToSign).digest('hex');
}

/** Header values by lower-case name, from Node's `headersDistinct`. */
export function distinctHeaders(headers: IncomingHttpHeaders | NodeJS.Dict<string[]>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value : [value];
  }
  return result;
}

const AUTHORIZATION =
  /^ACS3-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})$/;

function refuse(status: number, code: string, message: string): GatewayRefusal {
  return { ok: false, status, code, message };
}

/** Replayed nonces are refused for as long as the date that came with them is acceptable. */
export class NonceLedger {
  private readonly seen = new Map<string, number>();

  /** False when the nonce was used already. */
  claim(nonce: string, nowMs: number): boolean {
    for (const [old, expiresAt] of this.seen) if (expiresAt < nowMs) this.seen.delete(old);
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, nowMs + 2 * MAX_CLOCK_SKEW_MS);
    return true;
  }
}

/**
 * The codes for a missing header, a stale date and a reused nonce are the ones Alibaba Cloud documents for its RPC
 * gateway (IncompleteSignature, InvalidTimeStamp.Expired, SignatureNonceUsed); the V3 pages name no others.
 */
export function verifyAcs3(request: SignedRequest, nonces: NonceLedger, options: VerifierOptions): Verification {
  const single = (name: string): string | undefined => request.headers[name]?.[0];
  const authorization = single('authorization');
  if (!authorization) return refuse(400, 'MissingAuthorization', 'The request has no Authorization header.');
  const parsed = AUTHORIZATION.exec(authorization.trim());
  if (!parsed) return refuse(400, 'IncompleteSignature', 'The Authorization header is not ACS3-HMAC-SHA256.');
  const [, accessKeyId = '', signedList = '', signature = ''] = parsed;
  const signedHeaders = signedList.split(';');
  const sorted = [...signedHeaders].sort();
  if (signedHeaders.some((name, i) => name !== name.toLowerCase() || name !== sorted[i])) {
    return refuse(400, 'IncompleteSignature', 'SignedHeaders must be lower-case and sorted.');
  }
  const required = [...REQUIRED_SIGNED, 'x-acs-content-sha256'];
  if (request.body.length > 0) required.push('content-type');
  const missing = required.filter((name) => !signedHeaders.includes(name) || single(name) === undefined);
  if (missing.length > 0) return refuse(400, 'IncompleteSignature', `Not signed: ${missing.join(', ')}.`);
  if (signedHeaders.some((name) => request.headers[name] === undefined)) {
    return refuse(400, 'IncompleteSignature', 'SignedHeaders names a header the request does not carry.');
  }
  const secret = options.secretOf(accessKeyId);
  if (secret === undefined) return refuse(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  const payloadHash = sha256Hex(request.body);
  if (single('x-acs-content-sha256') !== payloadHash) {
    return refuse(400, 'SignatureDoesNotMatch', 'The x-acs-content-sha256 header does not match the body.');
  }
  const expected = Buffer.from(acs3Signature(request, signedHeaders, payloadHash, secret), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return refuse(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
  }
  const now = options.now();
  const date = single('x-acs-date') ?? '';
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(date) ? Date.parse(date) : NaN;
  if (!Number.isFinite(at) || Math.abs(now - at) > MAX_CLOCK_SKEW_MS) {
    return refuse(400, 'InvalidTimeStamp.Expired', `The x-acs-date ${date} is not within 15 minutes of now.`);
  }
  if (!nonces.claim(single('x-acs-signature-nonce') ?? '', now)) {
    return refuse(400, 'SignatureNonceUsed', 'The x-acs-signature-nonce was used before.');
  }
  return { ok: true, accessKeyId, action: single('x-acs-action') ?? '' };
}
