// The OSS part of a health check: list one key under `<prefix>output/` with the service's credentials (oss.md),
// through the gallery's OssImageSource so both read the bucket, and word its failures, the same way. A failure names
// the part that failed: the bucket (missing), the keys (refused) or the endpoint (unreachable); never the secret.
// For the API edition OSS is where the results are, so an incomplete location is `needs-oss` rather than a mistake.
import type { HealthCode, HealthStatus, MessageParams } from '../../preload/schemas/services';
import { AuthError, NetworkError, ServiceError, TimeoutError, ValidationError } from '../errors';
import type { OssImageSource } from '../oss/oss-image-source';
import { openOssSource, type OssTarget } from '../oss/oss-target';

export interface OssProbeResult {
  status: HealthStatus;
  message: string;
  /** `message` as a code for the renderer to word; `params.where` is the output location. */
  code: HealthCode;
  params: MessageParams;
  details: { ossSampleKey?: string };
}

export interface OssProbeOptions {
  timeoutMs: number;
  /** The service's results are only on OSS (the API edition): an incomplete location is `needs-oss`. */
  required?: boolean;
}

export async function checkOssOutput(target: OssTarget, options: OssProbeOptions): Promise<OssProbeResult> {
  const { timeoutMs } = options;
  const where = `oss://${target.bucket}/${target.prefix}output/`;
  const params = { where };
  const incomplete: HealthStatus = options.required ? 'needs-oss' : 'misconfigured';
  if (!target.region && !target.endpoint) {
    return {
      status: incomplete,
      message: `The OSS output location ${where} has no region or endpoint. Add the bucket's region (e.g. cn-shanghai).`,
      code: 'oss-no-region',
      params,
      details: {},
    };
  }
  if (!target.accessKeyId || !target.accessKeySecret) {
    return {
      status: incomplete,
      message: `The OSS output location ${where} has no AccessKey. Add the AccessKey ID and secret, or use the shared credentials.`,
      code: 'oss-no-access-key',
      params,
      details: {},
    };
  }
  let source: OssImageSource | undefined;
  try {
    // Usable: both checks above passed.
    source = openOssSource(target, { timeoutMs });
  } catch (error) {
    return failure(error, params);
  }
  if (!source) return failure(new ValidationError('The OSS output location is incomplete.'), params);
  try {
    const page = await source.listPage({ recursive: true, maxKeys: 1 });
    const first = page.files[0]?.key;
    return {
      status: 'ok',
      message: first
        ? `OSS output folder ${where} is readable.`
        : `OSS output folder ${where} is readable (empty so far).`,
      code: first ? 'oss-readable' : 'oss-readable-empty',
      params,
      details: first ? { ossSampleKey: first } : {},
    };
  } catch (error) {
    return failure(error, params);
  } finally {
    await source.close();
  }
}

function failure(error: unknown, params: MessageParams): OssProbeResult {
  const status = statusOf(error);
  const code: HealthCode =
    status === 'auth-failed'
      ? 'oss-auth-failed'
      : status === 'unreachable'
        ? 'oss-unreachable'
        : isMissingBucket(error)
          ? 'oss-no-bucket'
          : 'oss-misconfigured';
  // The image source's own sentence goes along as `detail`, shown beside the translated one.
  return { status, message: messageOf(error), code, params: { ...params, detail: messageOf(error) }, details: {} };
}

/** main/oss/oss-errors.ts keeps OSS's error code as the excerpt: NoSuchBucket is the bucket, not the keys. */
function isMissingBucket(error: unknown): boolean {
  return error instanceof ServiceError && error.status === 404 && error.bodyExcerpt === 'NoSuchBucket';
}

function statusOf(error: unknown): HealthStatus {
  if (error instanceof AuthError) return 'auth-failed';
  if (error instanceof NetworkError || error instanceof TimeoutError) return 'unreachable';
  if (error instanceof ServiceError) return error.status >= 500 ? 'unreachable' : 'misconfigured';
  if (error instanceof ValidationError) return 'misconfigured';
  // Not an OSS failure the image source knows: a bug, for the caller to record.
  throw error;
}

function messageOf(error: unknown): string {
  // The image source's messages are written for the user and never carry the secret (main/oss/oss-errors.ts).
  return error instanceof Error ? error.message : 'OSS could not be checked.';
}
