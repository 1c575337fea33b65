// Services and the credential vault, as the renderer sees them. No schema here has a field that can carry a secret
// out of main: secrets go in (the user types them) but only `hasToken` / `hasSecret` and a masked hint come back.
import { z } from 'zod';
import { codedMessage, Empty, method, MessageParamsSchema, type MessageParams } from './common';

export const EditionSchema = z.enum(['queue', 'exclusive']);
export type Edition = z.infer<typeof EditionSchema>;

/** What to do with sink results whose task_id this app did not create (a script, a colleague). */
export const ForeignResultsSchema = z.enum(['adopt', 'leave']);

export const ServiceIdSchema = z.string().min(1).max(100);

/** A secret field on input: a string sets it, `null` removes it, absent keeps what is stored. */
const SecretInput = z.string().trim().min(1).max(4096).nullable().optional();

export const OssCredentialsModeSchema = z.enum(['shared', 'own']);

export const OssInputSchema = z.object({
  /** `oss://bucket/prefix/` as the console shows the mount. */
  location: z.string().trim().min(1).max(1024),
  region: z.string().trim().max(64).optional(),
  endpoint: z.string().trim().max(512).optional(),
  credentials: OssCredentialsModeSchema,
  /** For `own` credentials. */
  accessKeyId: z.string().trim().max(256).optional(),
  accessKeySecret: SecretInput,
  securityToken: SecretInput,
});

/** EAS regions (`cn-shanghai`, `ap-southeast-1`) and service names, as the control API takes them in its paths. */
export const EAS_REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+)+$/;
export const EAS_SERVICE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** The bounds of auto-stop's idle minutes: a few minutes at least (a start takes minutes), a day at most. */
export const AUTO_STOP_MIN_MINUTES = 5;
export const AUTO_STOP_MAX_MINUTES = 1440;

/** The control API's AccessKey: the service's OSS key (`oss`, which may be the shared one) or one of its own. */
export const ControlCredentialsModeSchema = z.enum(['oss', 'own']);

export const ControlInputSchema = z.object({
  credentials: ControlCredentialsModeSchema,
  /** For `own` credentials. */
  accessKeyId: z.string().trim().max(256).optional(),
  accessKeySecret: SecretInput,
  securityToken: SecretInput,
  /** Override what the service URL says (empty: read it from the URL). */
  region: z.union([z.literal(''), z.string().trim().regex(EAS_REGION_PATTERN)]).optional(),
  serviceName: z.union([z.literal(''), z.string().trim().regex(EAS_SERVICE_NAME_PATTERN)]).optional(),
  /** Stop the service after this many minutes with nothing to do; absent: never. */
  autoStopIdleMinutes: z.number().int().min(AUTO_STOP_MIN_MINUTES).max(AUTO_STOP_MAX_MINUTES).optional(),
});

/** Currencies a price can be entered in. */
export const CurrencySchema = z.enum(['CNY', 'USD']);
export type Currency = z.infer<typeof CurrencySchema>;

/**
 * What the GPU behind a service costs, as the artist reads it off the PAI/EAS console (there is no reliable public
 * price list). Not a secret. Every figure computed from it is an estimate.
 */
export const CostSettingsSchema = z.object({
  /** Price of one instance for one hour. */
  pricePerInstanceHour: z.number().finite().min(0).max(1_000_000),
  currency: CurrencySchema,
  /** The API edition's queue instance is billed too. */
  queueInstanceBilled: z.boolean(),
  /** Its hourly price when it differs from an instance's. */
  queuePricePerHour: z.number().finite().min(0).max(1_000_000).optional(),
});
export type CostSettings = z.infer<typeof CostSettingsSchema>;

export const QueueSettingsInputSchema = z.object({
  endpoint: z.string().trim().max(1024).optional(),
  serviceName: z.string().trim().max(256).optional(),
  windowSize: z.int().min(1).max(1000).optional(),
  concurrency: z.int().min(1).max(1000).optional(),
  foreignResults: ForeignResultsSchema.optional(),
});

export const ServiceInputSchema = z.object({
  edition: EditionSchema.optional(),
  name: z.string().trim().min(1).max(200),
  url: z.string().trim().min(1).max(2048),
  token: SecretInput,
  /** Take the token that `services.parseCallInfo` found, kept in main under this draft id. */
  tokenFromDraft: z.string().max(100).optional(),
  queue: QueueSettingsInputSchema.optional(),
  oss: OssInputSchema.nullable().optional(),
  /** The AccessKey for starting, stopping and scaling the service (null: none). */
  control: ControlInputSchema.nullable().optional(),
  /** The price for the cost estimate (null: none). */
  cost: CostSettingsSchema.nullable().optional(),
  /** The service whose node catalogue this one's forms and batches use (null: none, type the values). */
  catalogueFrom: ServiceIdSchema.nullable().optional(),
});
export type ServiceInput = z.infer<typeof ServiceInputSchema>;

export const ServicePatchSchema = ServiceInputSchema.partial().extend({ id: ServiceIdSchema });
export type ServicePatch = z.infer<typeof ServicePatchSchema>;

/**
 * `needs-oss`: an API-edition service without a complete OSS output location. Its results are written to OSS and read
 * from there, so nothing it makes could be shown: a warning with its fix (add the location), not a failure.
 */
export const HealthStatusSchema = z.enum(['ok', 'auth-failed', 'unreachable', 'misconfigured', 'needs-oss']);
export type HealthStatus = z.infer<typeof HealthStatusSchema>;

/**
 * What a health sentence says, for the renderer to word in the artist's language; `message` stays the English
 * fallback. A part's code is worded with its subject (the service, a queue, the OSS folder) taken from `part`.
 */
export const HealthCodeSchema = z.enum([
  'ready-exclusive',
  'ready-queue',
  'part-ready',
  'not-comfyui',
  'not-eas-queue',
  'queue-settings-missing',
  'token-refused',
  'not-found',
  'not-found-queue',
  'not-running',
  'http-server-error',
  'http-client-error',
  'timed-out',
  'connection-failed',
  'oss-no-region',
  'oss-no-access-key',
  'oss-readable',
  'oss-readable-empty',
  'oss-auth-failed',
  'oss-unreachable',
  'oss-misconfigured',
  'oss-needed',
  'oss-no-bucket',
]);
export type HealthCode = z.infer<typeof HealthCodeSchema>;

export { MessageParamsSchema, type MessageParams };

export const HealthWarningCodeSchema = z.enum(['plain-http']);

export const HealthPartSchema = z.object({
  part: z.enum(['service', 'sink', 'input-queue', 'oss']),
  status: HealthStatusSchema,
  message: z.string(),
  code: HealthCodeSchema.optional(),
  params: MessageParamsSchema.optional(),
});

export const HealthResultSchema = z.object({
  serviceId: z.string(),
  status: HealthStatusSchema,
  /** One sentence saying what is wrong and what to do (or that all is well). */
  message: z.string(),
  /** `message` as a code; when a part failed, the first failed part's (worded with that part's subject). */
  code: HealthCodeSchema.optional(),
  params: MessageParamsSchema.optional(),
  checkedAt: z.number(),
  latencyMs: z.number().optional(),
  details: z.object({
    version: z.string().optional(),
    device: z.string().optional(),
    queueLength: z.number().optional(),
    consumers: z.number().optional(),
    ossSampleKey: z.string().optional(),
  }),
  parts: z.array(HealthPartSchema),
  warnings: z.array(z.string()),
  /** `warnings` as codes, in the same order. */
  warningCodes: z.array(z.object({ code: HealthWarningCodeSchema, params: MessageParamsSchema })).optional(),
  /** When the token would travel over plain http to a remote host: the same URL with https. */
  suggestedUrl: z.string().optional(),
});
export type HealthResult = z.infer<typeof HealthResultSchema>;

export const OssDtoSchema = z.object({
  location: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  region: z.string().optional(),
  endpoint: z.string().optional(),
  credentials: OssCredentialsModeSchema,
  accessKeyId: z.string().optional(),
  hasSecret: z.boolean(),
  secretHint: z.string().optional(),
  hasSecurityToken: z.boolean(),
});

export const ControlDtoSchema = z.object({
  credentials: ControlCredentialsModeSchema,
  /** For `own` credentials (for `oss`, the OSS settings show theirs). */
  accessKeyId: z.string().optional(),
  hasSecret: z.boolean(),
  secretHint: z.string().optional(),
  hasSecurityToken: z.boolean(),
  /** What the record says, when it overrides the URL. */
  region: z.string().optional(),
  serviceName: z.string().optional(),
  /** The EAS service the app would control: the overrides, else what the URL says; absent when neither says. */
  target: z.object({ region: z.string(), serviceName: z.string() }).optional(),
  /** An AccessKey ID and secret are at hand and the target is known: start, stop and scale can be offered. */
  configured: z.boolean(),
  autoStopIdleMinutes: z.number().int().optional(),
});

export const ServiceDtoSchema = z.object({
  id: z.string(),
  edition: EditionSchema,
  name: z.string(),
  url: z.string(),
  hasToken: z.boolean(),
  tokenHint: z.string().optional(),
  queue: z
    .object({
      endpoint: z.string(),
      serviceName: z.string(),
      sink: z.string(),
      consumerUid: z.string(),
      windowSize: z.number(),
      concurrency: z.number(),
      foreignResults: ForeignResultsSchema,
    })
    .optional(),
  oss: OssDtoSchema.optional(),
  control: ControlDtoSchema.optional(),
  cost: CostSettingsSchema.optional(),
  /**
   * An API-edition service whose OSS output location is missing or incomplete (no region or endpoint, no AccessKey):
   * its images cannot be read, so it cannot be queued on. Known without a check; the check says it too (`needs-oss`).
   */
  needsOss: z.boolean(),
  /** The service whose models and choices this one's forms use, when its own edition lists none. */
  catalogueFrom: z.string().optional(),
  /** The last health check, if one ran since start. */
  health: HealthResultSchema.optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ServiceDto = z.infer<typeof ServiceDtoSchema>;

/** What a note under the paste box says; `field` in `second-value` is one of url, vpcUrl, token, endpoint, serviceId. */
export const CallInfoNoteCodeSchema = z.enum([
  'second-value',
  'ignored-line',
  'bearer-removed',
  'vpc-only',
  'no-url',
  'endpoint-differs',
  'service-id-differs',
  'url-unreadable',
  'plain-http',
  'oss-path-unreadable',
]);
export const CallInfoNoteSchema = codedMessage(CallInfoNoteCodeSchema);
export type CallInfoNote = z.infer<typeof CallInfoNoteSchema>;

/** What "paste call information" fills in. The token, if found, stays in main under `draftId`. */
export const CallInfoDraftSchema = z.object({
  draftId: z.string().optional(),
  edition: EditionSchema.optional(),
  name: z.string().optional(),
  url: z.string().optional(),
  endpoint: z.string().optional(),
  serviceName: z.string().optional(),
  sink: z.string().optional(),
  /** The OSS output location found in the paste (`oss://bucket/prefix/`), and the region or endpoint it names. */
  ossLocation: z.string().optional(),
  ossRegion: z.string().optional(),
  ossEndpoint: z.string().optional(),
  hasToken: z.boolean(),
  tokenHint: z.string().optional(),
  /** Things the user should look at: unrecognised lines, a URL that is neither edition. */
  notes: z.array(CallInfoNoteSchema),
  /** The token would travel over plain http to a remote host: this https URL is offered instead. */
  suggestedUrl: z.string().optional(),
});
export type CallInfoDraftDto = z.infer<typeof CallInfoDraftSchema>;

export const SharedOssCredentialsSchema = z.object({
  accessKeyId: z.string().optional(),
  hasSecret: z.boolean(),
  secretHint: z.string().optional(),
  hasSecurityToken: z.boolean(),
});

export const StoreIncidentSchema = z.object({
  /** Where the damaged file was copied before starting empty. */
  backupPath: z.string(),
  at: z.number(),
  message: z.string(),
});

export const VaultStatusSchema = z.object({
  strength: z.enum(['os', 'key-file', 'weak', 'unavailable']),
  acceptedWeak: z.boolean(),
  /** Whether secrets can be stored now; when not, `reason` says why and what to do. */
  canStoreSecrets: z.boolean(),
  reason: z.string().optional(),
  /** `reason` as a code, for the renderer to word. */
  reasonCode: z.enum(['vault-keychain-unavailable', 'vault-weak-not-accepted']).optional(),
  /** Stored secrets that can no longer be decrypted (keychain changed): re-enter them, or reset. */
  unreadableSecrets: z.number(),
  /** The settings file was damaged and set aside: show it with a "reset" button. */
  storeIncident: StoreIncidentSchema.optional(),
  /** Service records that did not fit the schema and were set aside. */
  quarantinedRecords: z.number(),
});
export type VaultStatus = z.infer<typeof VaultStatusSchema>;

const IdInput = z.object({ id: ServiceIdSchema });

export const serviceMethods = {
  'services.list': method(Empty, z.array(ServiceDtoSchema)),
  'services.get': method(IdInput, ServiceDtoSchema),
  'services.create': method(ServiceInputSchema, ServiceDtoSchema),
  'services.update': method(ServicePatchSchema, ServiceDtoSchema),
  /** A copy with a new id and consumer uid; secrets are copied sealed. */
  'services.duplicate': method(IdInput, ServiceDtoSchema),
  /** Removes the record and its secrets; jobs and images stay. */
  'services.delete': method(IdInput, z.void()),
  'services.parseCallInfo': method(z.object({ text: z.string().max(20_000) }), CallInfoDraftSchema),
  /** Runs a health check now (the "Test" button); also emitted as `services.health`. */
  'services.test': method(IdInput, HealthResultSchema),
  'services.sharedOss.get': method(Empty, SharedOssCredentialsSchema),
  'services.sharedOss.set': method(
    z.object({ accessKeyId: z.string().trim().max(256), accessKeySecret: SecretInput, securityToken: SecretInput }),
    SharedOssCredentialsSchema,
  ),
  'vault.status': method(Empty, VaultStatusSchema),
  /** The user accepts storing secrets with the weaker protection ('weak' strength). */
  'vault.acceptWeak': method(Empty, VaultStatusSchema),
  /** Forget unreadable secrets and dismiss the damaged-file notice. */
  'vault.reset': method(Empty, VaultStatusSchema),
};

export const serviceEvents = {
  'services.changed': z.array(ServiceDtoSchema),
  'services.health': HealthResultSchema,
};
