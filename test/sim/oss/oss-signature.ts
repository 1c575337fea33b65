// Server-side checks of OSS request signatures, V1 (HMAC-SHA1) and V4 (OSS4-HMAC-SHA256). The canonical strings
// mirror the signing code of the ali-oss SDK (lib/common/signUtils.js) so that SDK requests verify byte for byte,
// and a wrong secret fails here as it fails in the cloud.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** One query parameter as it arrived: `value` is null when the URL had no `=` (`?acl`). */
export interface QueryParam {
  key: string;
  value: string | null;
}

export interface SignedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  query: QueryParam[];
  bucket: string;
  /** The object key, decoded; '' for bucket operations. */
  key: string;
}

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** The standard region (`cn-shanghai`, without `oss-`): V4 scopes its keys to it. */
  region: string;
}

export type SignatureCheck =
  | { ok: true }
  | {
      ok: false;
      code: 'AccessDenied' | 'InvalidAccessKeyId' | 'SignatureDoesNotMatch';
      message: string;
      stringToSign?: string;
    };

/** Query keys that V1 signs as sub-resources; anything else (prefix, max-keys, list-type…) is not signed. */
const V1_SUB_RESOURCES = new Set([
  'acl',
  'append',
  'bucketInfo',
  'callback',
  'callback-var',
  'cname',
  'comp',
  'continuation-token',
  'cors',
  'delete',
  'encryption',
  'endTime',
  'img',
  'inventory',
  'inventoryId',
  'lifecycle',
  'live',
  'location',
  'logging',
  'objectMeta',
  'partNumber',
  'policy',
  'position',
  'qos',
  'qosInfo',
  'referer',
  'regionList',
  'replication',
  'replicationLocation',
  'replicationProgress',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'restore',
  'security-token',
  'sequential',
  'startTime',
  'stat',
  'status',
  'style',
  'styleName',
  'symlink',
  'tagging',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'vod',
  'website',
  'worm',
  'wormExtend',
  'wormId',
  'x-oss-process',
  'x-oss-traffic-limit',
]);

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** OSS's answer to a wrong signature, with the string it signed so a client can compare its own. */
function signatureMismatch(stringToSign: string): SignatureCheck {
  return {
    ok: false,
    code: 'SignatureDoesNotMatch',
    message:
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    stringToSign,
  };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** signUtils.buildCanonicalString for a request as it arrived; `expires` replaces the date for signed URLs. */
export function v1StringToSign(request: SignedRequest, expires?: string): string {
  const { headers } = request;
  const ossHeaders = Object.keys(headers)
    .filter((name) => name.startsWith('x-oss-'))
    .sort()
    .map((name) => `${name}:${(header(headers, name) ?? '').trim()}`);
  const subResources = request.query
    .filter((param) => V1_SUB_RESOURCES.has(param.key))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((param) => (param.value ? `${param.key}=${param.value}` : param.key));
  const resource = `/${request.bucket}/${request.key}${subResources.length > 0 ? `?${subResources.join('&')}` : ''}`;
  return [
    request.method.toUpperCase(),
    header(headers, 'content-md5') ?? '',
    header(headers, 'content-type') ?? '',
    expires ?? header(headers, 'x-oss-date') ?? header(headers, 'date') ?? '',
    ...ossHeaders,
    resource,
  ].join('\n');
}

/** encodeString in ali-oss: encodeURIComponent plus the characters it leaves alone. */
function encodeString(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** signUtils.getCanonicalRequest; `emptyAsKeyOnly` picks how a `k=` parameter was signed (subres vs query). */
export function v4CanonicalRequest(
  request: SignedRequest,
  additionalHeaders: string[],
  emptyAsKeyOnly: boolean,
): string {
  const { headers } = request;
  const uri = encodeString(`/${request.bucket ? `${request.bucket}/` : ''}${request.key}`).replace(/%2F/g, '/');
  const query = [...request.query]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map(({ key, value }) =>
      value === null || (value === '' && emptyAsKeyOnly)
        ? encodeString(key)
        : `${encodeString(key)}=${encodeString(value)}`,
    )
    .join('&');
  const signedHeaders = new Set(additionalHeaders);
  for (const name of Object.keys(headers)) {
    if (name === 'content-type' || name === 'content-md5' || name.startsWith('x-oss-')) signedHeaders.add(name);
  }
  const canonicalHeaders = [...signedHeaders]
    .sort()
    .map((name) => `${name}:${(header(headers, name) ?? '').trim()}\n`)
    .join('');
  return [
    request.method.toUpperCase(),
    uri,
    query,
    canonicalHeaders,
    additionalHeaders.join(';'),
    header(headers, 'x-oss-content-sha256') ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
}

function v4Signature(secret: string, date: string, region: string, stringToSign: string): string {
  const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`aliyun_v4${secret}`, date), region), 'oss'), 'aliyun_v4_request');
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

function checkV4(request: SignedRequest, authorization: string, credentials: Credentials): SignatureCheck {
  const fields = new Map<string, string>();
  for (const part of authorization.slice('OSS4-HMAC-SHA256 '.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const [accessKeyId = '', scopeDate = '', region = '', product = '', terminator = ''] = (
    fields.get('Credential') ?? ''
  ).split('/');
  const signature = fields.get('Signature') ?? '';
  if (!signature || terminator !== 'aliyun_v4_request' || product !== 'oss') {
    return { ok: false, code: 'AccessDenied', message: 'The Authorization header is malformed.' };
  }
  if (accessKeyId !== credentials.accessKeyId) {
    return {
      ok: false,
      code: 'InvalidAccessKeyId',
      message: 'The OSS Access Key Id you provided does not exist in our records.',
    };
  }
  const date = header(request.headers, 'x-oss-date') ?? '';
  if (region !== credentials.region || !date.startsWith(scopeDate)) {
    return {
      ok: false,
      code: 'SignatureDoesNotMatch',
      message: `Invalid signing region or date in Credential: ${region}/${scopeDate}`,
    };
  }
  const additional = (fields.get('AdditionalHeaders') ?? '').split(';').filter((name) => name !== '');
  const hasEmpty = request.query.some((param) => param.value === '');
  let stringToSign = '';
  for (const emptyAsKeyOnly of hasEmpty ? [true, false] : [true]) {
    const canonical = v4CanonicalRequest(request, additional, emptyAsKeyOnly);
    const scope = `${scopeDate}/${region}/oss/aliyun_v4_request`;
    stringToSign = ['OSS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
    if (sameText(v4Signature(credentials.accessKeySecret, scopeDate, region, stringToSign), signature))
      return { ok: true };
  }
  return signatureMismatch(stringToSign);
}

/** A V1 signed URL (`signatureUrl`): OSSAccessKeyId, Expires (epoch seconds) and Signature in the query. */
function checkSignedUrl(
  request: SignedRequest,
  query: Map<string, string | null>,
  credentials: Credentials,
  nowMs: number,
): SignatureCheck {
  if (query.get('OSSAccessKeyId') !== credentials.accessKeyId) {
    return {
      ok: false,
      code: 'InvalidAccessKeyId',
      message: 'The OSS Access Key Id you provided does not exist in our records.',
    };
  }
  const expires = query.get('Expires') ?? '';
  if (!/^\d+$/.test(expires) || Number(expires) * 1000 < nowMs) {
    return { ok: false, code: 'AccessDenied', message: 'Request has expired.' };
  }
  const stringToSign = v1StringToSign(request, expires);
  const expected = createHmac('sha1', credentials.accessKeySecret)
    .update(Buffer.from(stringToSign, 'utf8'))
    .digest('base64');
  if (sameText(expected, query.get('Signature') ?? '')) return { ok: true };
  return signatureMismatch(stringToSign);
}

/** Checks the Authorization header of one request (V1 or V4), or a V1 signed URL. */
export function checkSignature(request: SignedRequest, credentials: Credentials, nowMs = Date.now()): SignatureCheck {
  const authorization = header(request.headers, 'authorization');
  const signedUrl = new Map(request.query.map((param) => [param.key, param.value]));
  if (!authorization && signedUrl.has('Signature')) return checkSignedUrl(request, signedUrl, credentials, nowMs);
  if (!authorization) {
    return {
      ok: false,
      code: 'AccessDenied',
      message: 'You have no right to access this object because of bucket acl.',
    };
  }
  if (authorization.startsWith('OSS4-HMAC-SHA256 ')) return checkV4(request, authorization, credentials);
  const match = /^OSS ([^:]+):(.+)$/.exec(authorization);
  if (!match) return { ok: false, code: 'AccessDenied', message: 'The Authorization header is malformed.' };
  const [, accessKeyId = '', signature = ''] = match;
  if (accessKeyId !== credentials.accessKeyId) {
    return {
      ok: false,
      code: 'InvalidAccessKeyId',
      message: 'The OSS Access Key Id you provided does not exist in our records.',
    };
  }
  const stringToSign = v1StringToSign(request);
  const expected = createHmac('sha1', credentials.accessKeySecret)
    .update(Buffer.from(stringToSign, 'utf8'))
    .digest('base64');
  if (sameText(expected, signature)) return { ok: true };
  return signatureMismatch(stringToSign);
}
