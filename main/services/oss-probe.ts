// The OSS part of a health check: list one key under `<prefix>output/` with the service's credentials (oss.md).
// Uses ali-oss directly; main/oss/ (the gallery's image source) does not exist yet.
import OSS from 'ali-oss';
import type { HealthStatus } from '../../preload/schemas/services';

export interface OssTarget {
  bucket: string;
  /** '' or ending with '/'. */
  prefix: string;
  region?: string;
  endpoint?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
}

export interface OssProbeResult {
  status: HealthStatus;
  message: string;
  details: { ossSampleKey?: string };
}

const AUTH_CODES = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidSecurityToken']);

/** ali-oss options for a target: https unless an explicit http:// endpoint was given (the simulator, a proxy). */
export function ossClientOptions(target: OssTarget, timeoutMs: number): OSS.Options | undefined {
  if (!target.accessKeyId || !target.accessKeySecret) return undefined;
  const options: OSS.Options = {
    accessKeyId: target.accessKeyId,
    accessKeySecret: target.accessKeySecret,
    bucket: target.bucket,
    timeout: timeoutMs,
    secure: !target.endpoint?.startsWith('http://'),
  };
  if (target.securityToken) options.stsToken = target.securityToken;
  if (target.endpoint) options.endpoint = target.endpoint;
  if (target.region) options.region = target.region.startsWith('oss-') ? target.region : `oss-${target.region}`;
  return options;
}

export async function checkOssOutput(target: OssTarget, timeoutMs: number): Promise<OssProbeResult> {
  const where = `oss://${target.bucket}/${target.prefix}output/`;
  if (!target.region && !target.endpoint) {
    return {
      status: 'misconfigured',
      message: `The OSS output location ${where} has no region or endpoint. Add the bucket's region (e.g. cn-shanghai).`,
      details: {},
    };
  }
  const options = ossClientOptions(target, timeoutMs);
  if (!options) {
    return {
      status: 'misconfigured',
      message: `The OSS output location ${where} has no AccessKey. Add the AccessKey ID and secret, or use the shared credentials.`,
      details: {},
    };
  }
  try {
    const client = new OSS(options);
    const listed = await client.listV2({ prefix: `${target.prefix}output/`, 'max-keys': 1 }, { timeout: timeoutMs });
    const first = listed.objects[0]?.name;
    return {
      status: 'ok',
      message: first
        ? `OSS output folder ${where} is readable.`
        : `OSS output folder ${where} is readable (empty so far).`,
      details: first ? { ossSampleKey: first } : {},
    };
  } catch (error) {
    return { ...describeOssError(error, where, target.bucket), details: {} };
  }
}

function describeOssError(error: unknown, where: string, bucket: string): { status: HealthStatus; message: string } {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  // The SDK's own messages may quote request details: only its error code is used here.
  if (AUTH_CODES.has(code)) {
    return {
      status: 'auth-failed',
      message: `OSS refused the AccessKey for ${where} (${code}). Check the AccessKey ID and secret${code === 'InvalidSecurityToken' ? ' and the STS token' : ''}.`,
    };
  }
  if (code === 'NoSuchBucket') {
    return {
      status: 'misconfigured',
      message: `The OSS bucket “${bucket}” does not exist in this region. Check the output location and the region.`,
    };
  }
  return {
    status: 'unreachable',
    message: `OSS could not be reached for ${where}${code ? ` (${code})` : ''}. Check your network and the region or endpoint.`,
  };
}
