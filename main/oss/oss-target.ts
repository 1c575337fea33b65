// A service's OSS output location with its credentials opened (main only), and the one place an OSS client is built
// from it: dispatch (the API edition's images), the gallery (downloads, the OSS browser) and the health check all
// come here, so none can build one without TLS or with half its settings.
import { OssImageSource } from './oss-image-source';

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

/** `oss://bucket/prefix/`: the service's mount, as the console shows it. */
export function storagePathOf(target: OssTarget): string {
  return `oss://${target.bucket}/${target.prefix}`;
}

/** Whether the location can be read: a bucket with a region or endpoint, and an AccessKey. */
export function isUsableOssTarget(
  target: OssTarget | undefined,
): target is OssTarget & { accessKeyId: string; accessKeySecret: string } {
  return !!target?.accessKeyId && !!target.accessKeySecret && !!(target.region || target.endpoint);
}

/** The client for the location, or undefined when it cannot be read (no AccessKey, no region or endpoint). */
export function openOssSource(
  target: OssTarget | undefined,
  tuning: { timeoutMs?: number } = {},
): OssImageSource | undefined {
  if (!isUsableOssTarget(target)) return undefined;
  return new OssImageSource({
    storagePath: storagePathOf(target),
    accessKeyId: target.accessKeyId,
    accessKeySecret: target.accessKeySecret,
    ...(target.region ? { region: target.region } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.securityToken ? { stsToken: target.securityToken } : {}),
    ...(tuning.timeoutMs !== undefined ? { timeoutMs: tuning.timeoutMs } : {}),
  });
}
