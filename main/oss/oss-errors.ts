// ali-oss failures → error kinds with sentences a user can act on (reference/oss.md, "Errors"). OSS's own message is
// never shown: a SignatureDoesNotMatch reply echoes the string it signed, and nothing here may carry the secret.
import { AuthError, NetworkError, NotFoundError, ServiceError, TimeoutError } from '../errors';
import { maskSecret, redact } from '../log/redact';

export interface OssErrorContext {
  bucket: string;
  accessKeyId: string;
  /** What was being read, e.g. `the image "data/output/a.png"`; omitted for listings. */
  what?: string;
  /** A write (an input image put into the mount): a refusal asks for write access, not read access. */
  write?: boolean;
}

interface AliOssError {
  code?: string;
  name?: string;
  status?: number;
}

function fields(error: unknown): AliOssError {
  if (typeof error !== 'object' || error === null) return {};
  const { code, name, status } = error as Record<string, unknown>;
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof status === 'number' ? { status } : {}),
  };
}

const AUTH_CODES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSecurityToken',
  'SecurityTokenExpired',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH']);

const AUTH_SENTENCES: Record<string, string> = {
  AccessDenied: 'oss-access-denied',
  InvalidAccessKeyId: 'oss-key-unknown',
  SignatureDoesNotMatch: 'oss-secret-mismatch',
};

export function mapOssError(error: unknown, context: OssErrorContext): Error {
  const { code = '', name = '', status } = fields(error);
  const bucket = `"${context.bucket}"`;
  const key = `the OSS AccessKey ${maskSecret(context.accessKeyId)}`;
  if (code === 'AccessDenied' && context.write) {
    return new AuthError(
      `${key} may not write to bucket ${bucket} (AccessDenied): grant it oss:PutObject on the mount's input/ folder, which input images are put into.`,
    ).withCode('oss-write-denied', { key: maskSecret(context.accessKeyId), bucket: context.bucket });
  }
  if (AUTH_CODES.has(code)) {
    const why =
      code === 'AccessDenied'
        ? 'it may not read this bucket: grant it read access (oss:GetObject, oss:ListObjects)'
        : code === 'InvalidAccessKeyId'
          ? 'OSS does not know this AccessKey ID: copy it again'
          : code === 'SignatureDoesNotMatch'
            ? 'the AccessKey secret does not match the ID: enter the secret again'
            : 'the STS token is invalid or expired: get a new one';
    return new AuthError(`${key} was refused by bucket ${bucket} (${code}): ${why}.`).withCode(
      AUTH_SENTENCES[code] ?? 'oss-token-invalid',
      {
        key: maskSecret(context.accessKeyId),
        bucket: context.bucket,
      },
    );
  }
  if (code === '' && (status === 401 || status === 403)) {
    // a HEAD reply has no body to carry the code
    return new AuthError(
      `${key} was refused by bucket ${bucket} (HTTP ${status}): check the AccessKey ID and secret, and that the key may read this bucket.`,
    ).withCode('oss-key-refused', { key: maskSecret(context.accessKeyId), bucket: context.bucket, status });
  }
  if (code === 'NoSuchKey') {
    return new NotFoundError(
      `${context.what ?? 'The object'} is not in the bucket ${bucket}. It may have been deleted, or the storage path points at another folder.`,
    ).withCode('oss-object-missing', { bucket: context.bucket });
  }
  if (code === 'NoSuchBucket') {
    return new ServiceError(
      `The bucket ${bucket} does not exist at this OSS endpoint. Check the storage path (oss://bucket/prefix/) and the region or endpoint of the service's OSS settings.`,
      404,
      code,
    ).withCode('oss-bucket-missing', { bucket: context.bucket });
  }
  if (status === -2 || /timeout/i.test(name) || /timeout/i.test(code)) {
    return new TimeoutError(
      `OSS did not answer in time for bucket ${bucket}. Check your network and try again.`,
    ).withCode('oss-timeout', { bucket: context.bucket });
  }
  if (status === -1 || NETWORK_CODES.has(code) || NETWORK_CODES.has(name) || name === 'RequestError') {
    return unreachable(context.bucket);
  }
  if (typeof status === 'number' && status > 0) {
    const detail = redact(code || name);
    return new ServiceError(
      `OSS answered HTTP ${status}${detail ? ` (${detail})` : ''} for bucket ${bucket}${status >= 500 ? '; it will be retried' : ''}.`,
      status,
      detail,
    ).withCode(status >= 500 ? 'oss-http-retried' : 'oss-http', { status, detail, bucket: context.bucket });
  }
  return unreachable(context.bucket);
}

function unreachable(bucket: string): NetworkError {
  return new NetworkError(
    `OSS could not be reached for bucket "${bucket}". Check your network and the OSS endpoint.`,
  ).withCode('oss-unreachable', { bucket });
}
