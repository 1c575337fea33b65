// Service records as stored: versioned, parsed with zod on every read. Secrets are not here: the vault keeps them,
// sealed, under refs derived from the service id (see secretRefs).
import { z } from 'zod';
import { CostSettingsSchema } from '../../preload/schemas/services';
import { parseStoragePath, storagePathFromConsole } from '../oss/storage-path';

export const SERVICES_SCHEMA_VERSION = 1;

export const QueueSettingsSchema = z.object({
  /** scheme + host (+ port) of the EAS endpoint, e.g. `http://123.cn-shanghai.pai-eas.aliyuncs.com`. */
  endpoint: z.string().min(1),
  serviceName: z.string().min(1),
  /** True once the user edited the service name: a URL change then no longer re-derives it. */
  serviceNameEdited: z.boolean(),
  /** Stable per service, so uncommitted sink results come back to this app after a restart (eas-queue.md). */
  consumerUid: z.uuid(),
  windowSize: z.int().min(1),
  concurrency: z.int().min(1),
  foreignResults: z.enum(['adopt', 'leave']),
});
export type QueueSettings = z.infer<typeof QueueSettingsSchema>;

export const OssSettingsSchema = z.object({
  bucket: z.string().min(1),
  /** Always '' or ending with '/'. */
  prefix: z.string(),
  region: z.string().optional(),
  endpoint: z.string().optional(),
  credentials: z.enum(['shared', 'own']),
  accessKeyId: z.string().optional(),
});
export type OssSettings = z.infer<typeof OssSettingsSchema>;

/** The EAS control API (start, stop, scale): which AccessKey, and which service when the URL does not say. */
export const ControlSettingsSchema = z.object({
  /** `oss`: the service's OSS AccessKey (its own or the shared one); `own`: a key for control only. */
  credentials: z.enum(['oss', 'own']),
  accessKeyId: z.string().optional(),
  /** Override the region and EAS service name read from the URL. */
  region: z.string().optional(),
  serviceName: z.string().optional(),
  /** Auto-stop after this many idle minutes (lifecycle/auto-stop.ts); absent: off. */
  autoStopIdleMinutes: z.number().int().positive().optional(),
});
export type ControlSettings = z.infer<typeof ControlSettingsSchema>;

export const ServiceRecordSchema = z.object({
  id: z.string().min(1),
  edition: z.enum(['queue', 'exclusive']),
  name: z.string().min(1),
  url: z.string().min(1),
  queue: QueueSettingsSchema.optional(),
  oss: OssSettingsSchema.optional(),
  control: ControlSettingsSchema.optional(),
  /** The price the artist entered for the cost estimate; optional, so records written before it parse as they are. */
  cost: CostSettingsSchema.optional(),
  /**
   * For a service whose edition has no node catalogue (the API edition): the Exclusive service (or local ComfyUI saved
   * as one) with the same models, whose catalogue gives this one's form its choices and checks its batches.
   */
  catalogueFrom: z.string().min(1).optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ServiceRecord = z.infer<typeof ServiceRecordSchema>;

export const ServicesFileSchema = z.object({
  schemaVersion: z.literal(SERVICES_SCHEMA_VERSION),
  services: z.array(z.unknown()),
});

export const DEFAULT_WINDOW_SIZE = 8;
export const DEFAULT_CONCURRENCY = 4;

export function secretRefs(serviceId: string) {
  return {
    token: `service/${serviceId}/token`,
    ossSecret: `service/${serviceId}/oss-secret`,
    ossSecurityToken: `service/${serviceId}/oss-sts`,
    controlSecret: `service/${serviceId}/control-secret`,
    controlSecurityToken: `service/${serviceId}/control-sts`,
  };
}

export const SHARED_OSS_REFS = { secret: 'shared-oss/secret', securityToken: 'shared-oss/sts' };

/**
 * `oss://bucket/prefix/` (or the console's `bucket/prefix` display form) → bucket and a prefix that is '' or ends
 * with '/'; the rules are main/oss's.
 */
export function parseOssLocation(location: string): { bucket: string; prefix: string } {
  const path = parseStoragePath(storagePathFromConsole(location) ?? location);
  return { bucket: path.bucket, prefix: path.prefix === '' ? '' : `${path.prefix}/` };
}

export function formatOssLocation(oss: { bucket: string; prefix: string }): string {
  return `oss://${oss.bucket}/${oss.prefix}`;
}
