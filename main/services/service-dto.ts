// Records as the renderer sees them: `hasToken` and a masked hint instead of any secret (DESIGN.md rule 3).
import { z } from 'zod';
import type { HealthResult, ServiceDto } from '../../preload/schemas/services';
import type { KeyValueStore } from '../adapters';
import { SHARED_OSS_REFS, formatOssLocation, secretRefs, type ServiceRecord } from './service-record';
import type { Vault } from './vault';

const SHARED_OSS_KEY = 'sharedOss';
const SharedOssSchema = z.object({ accessKeyId: z.string().optional() });

export function toServiceDto(
  record: ServiceRecord,
  vault: Vault,
  health: HealthResult | undefined,
  needsOss: boolean,
): ServiceDto {
  const refs = secretRefs(record.id);
  const tokenHint = vault.hint(refs.token);
  const result: ServiceDto = {
    id: record.id,
    edition: record.edition,
    name: record.name,
    url: record.url,
    hasToken: tokenHint !== undefined,
    ...(tokenHint ? { tokenHint } : {}),
    needsOss,
    ...(record.catalogueFrom ? { catalogueFrom: record.catalogueFrom } : {}),
    ...(record.cost ? { cost: record.cost } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (record.queue) {
    const { endpoint, serviceName, consumerUid, windowSize, concurrency, foreignResults } = record.queue;
    result.queue = {
      endpoint,
      serviceName,
      sink: `${serviceName}/sink`,
      consumerUid,
      windowSize,
      concurrency,
      foreignResults,
    };
  }
  if (record.oss) {
    const shared = record.oss.credentials === 'shared';
    const secretRef = shared ? SHARED_OSS_REFS.secret : refs.ossSecret;
    const secretHint = vault.hint(secretRef);
    const accessKeyId = shared ? undefined : record.oss.accessKeyId;
    result.oss = {
      location: formatOssLocation(record.oss),
      bucket: record.oss.bucket,
      prefix: record.oss.prefix,
      ...(record.oss.region ? { region: record.oss.region } : {}),
      ...(record.oss.endpoint ? { endpoint: record.oss.endpoint } : {}),
      credentials: record.oss.credentials,
      ...(accessKeyId ? { accessKeyId } : {}),
      hasSecret: secretHint !== undefined,
      ...(secretHint ? { secretHint } : {}),
      hasSecurityToken: vault.has(shared ? SHARED_OSS_REFS.securityToken : refs.ossSecurityToken),
    };
  }
  if (health) result.health = health;
  return result;
}

export function readSharedOss(store: KeyValueStore): { accessKeyId?: string };
export function readSharedOss(
  store: KeyValueStore,
  vault: Vault,
): { accessKeyId?: string; hasSecret: boolean; secretHint?: string; hasSecurityToken: boolean };
export function readSharedOss(store: KeyValueStore, vault?: Vault) {
  const parsed = SharedOssSchema.safeParse(store.get(SHARED_OSS_KEY));
  const accessKeyId = parsed.success ? parsed.data.accessKeyId : undefined;
  const base = accessKeyId ? { accessKeyId } : {};
  if (!vault) return base;
  const secretHint = vault.hint(SHARED_OSS_REFS.secret);
  return {
    ...base,
    hasSecret: secretHint !== undefined,
    ...(secretHint ? { secretHint } : {}),
    hasSecurityToken: vault.has(SHARED_OSS_REFS.securityToken),
  };
}

export function writeSharedOssKeyId(store: KeyValueStore, accessKeyId: string): void {
  store.set(SHARED_OSS_KEY, accessKeyId ? { accessKeyId } : {});
}
