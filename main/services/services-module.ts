// The services domain of the Studio: records, the vault, drafts from pasted call information, health checks (on
// demand and periodic), and the contract handlers over them. Other domains (jobs, gallery) reach a service's
// secrets only through `connection(id)`, in main.
import { randomUUID } from 'node:crypto';
import type { MethodArgs, MethodResult } from '../../preload/contract';
import type {
  serviceMethods,
  HealthResult,
  ServiceInput,
  ServicePatch,
  VaultStatus,
} from '../../preload/schemas/services';
import type { Clock, KeyValueStore } from '../adapters';
import type { EventHub } from '../contract/event-hub';
import type { DomainBus } from '../domain-bus';
import { BadRequestError, isArtlabError } from '../errors';
import { CallInfoDrafts } from './call-info-drafts';
import { controlDto, openControl, type ControlConnection } from './control-credentials';
import { parseCallInfo } from './call-info-parser';
import type { Encryptor } from './encryptor';
import { checkServiceHealth, type HealthTarget } from './health-check';
import { HealthScheduler } from './health-scheduler';
import type { OssTarget } from '../oss/oss-target';
import { isRecoverableStore } from './recoverable-store';
import { buildRecord } from './service-builder';
import { toServiceDto, readSharedOss, writeSharedOssKeyId } from './service-dto';
import { SHARED_OSS_REFS, secretRefs, type ServiceRecord } from './service-record';
import { ServiceRepository } from './service-repository';
import { insecureTokenWarning, parseLooseUrl } from './service-url';
import { maskSecret } from '../log/redact';
import { Vault } from './vault';
import type { Logger } from '../log/logger';

type Result<M extends keyof typeof serviceMethods> = MethodResult<M>;

/** The services domain as the contract's handlers (main/handlers/services.ts) and other domains use it. */
export interface ServicesApi {
  /** Every saved service as the renderer sees it: secrets as `hasToken` and a masked hint only. */
  views(): Result<'services.list'>;
  view(id: string): Result<'services.get'>;
  create(input: ServiceInput): Result<'services.create'>;
  update(patch: ServicePatch): Result<'services.update'>;
  duplicate(id: string): Result<'services.duplicate'>;
  remove(id: string): void;
  /** Reads pasted call information into a draft; the token stays in main behind a draft id. */
  parseCallInfo(text: string): Result<'services.parseCallInfo'>;
  test(id: string): Promise<HealthResult>;
  sharedOss(): Result<'services.sharedOss.get'>;
  setSharedOss(input: MethodArgs<'services.sharedOss.set'>): Result<'services.sharedOss.set'>;
  vaultStatus(): VaultStatus;
  acceptWeakVault(): VaultStatus;
  resetVault(): VaultStatus;
}

export interface ServicesModuleOptions {
  store: KeyValueStore;
  encryptor: Encryptor;
  clock: Clock;
  events: EventHub;
  /** Main-side reactions: dispatch restarts the lane of a changed service. */
  bus?: DomainBus;
  /** Periodic health checks; 0 turns them off (tests). Default 5 minutes. */
  healthIntervalMs?: number;
  healthTimeoutMs?: number;
  logger?: Logger;
}

/** Everything a client in main needs to talk to a service, secrets opened. Never send it to the renderer. */
export interface ServiceConnection {
  record: ServiceRecord;
  token?: string;
  oss?: OssTarget;
  /** The EAS control API's key and target, when the service's control settings are complete. */
  control?: ControlConnection;
}

export interface ServicesModule extends ServicesApi {
  /** Opens the service's secrets for a client in main. Throws NotFoundError / StorageError. */
  connection(serviceId: string): ServiceConnection;
  list(): ServiceRecord[];
  /** Whether the service is an API-edition one without a complete OSS output location (see ServiceDto.needsOss). */
  needsOss(serviceId: string): boolean;
  close(): Promise<void>;
}

export function createServicesModule(options: ServicesModuleOptions): ServicesModule {
  const { store, clock, events } = options;
  const vault = new Vault(store, options.encryptor);
  const repository = new ServiceRepository(store);
  const drafts = new CallInfoDrafts(clock);
  const health = new Map<string, HealthResult>();

  /**
   * An API-edition service whose OSS output location cannot be read (none, no region or endpoint, no AccessKey): its
   * results are only on OSS. Decided from the record and which secrets are stored, without opening them.
   */
  function needsOss(record: ServiceRecord): boolean {
    if (record.edition !== 'queue') return false;
    const oss = record.oss;
    if (!oss || (!oss.region && !oss.endpoint)) return true;
    const shared = oss.credentials === 'shared';
    const accessKeyId = shared ? readSharedOss(store).accessKeyId : oss.accessKeyId;
    return !accessKeyId || !vault.has(shared ? SHARED_OSS_REFS.secret : secretRefs(record.id).ossSecret);
  }

  const dto = (record: ServiceRecord) => {
    const result = toServiceDto(record, vault, health.get(record.id), needsOss(record));
    const control = controlDto(record, vault, store);
    return control ? { ...result, control } : result;
  };
  const emitChanged = () => {
    const records = repository.list();
    events.emit('services.changed', records.map(dto));
    options.bus?.emit('services.changed', { serviceIds: records.map((record) => record.id) });
  };

  function vaultStatus(): VaultStatus {
    const incident = isRecoverableStore(store) ? store.incident : undefined;
    return {
      ...vault.status(),
      ...(incident ? { storeIncident: incident } : {}),
      quarantinedRecords: repository.quarantinedCount(),
    };
  }

  /** Which secrets an input sets (string), removes (null) or keeps (undefined), checked before anything is written. */
  function secretChanges(input: ServiceInput | ServicePatch, refs: ReturnType<typeof secretRefs>) {
    const token = input.tokenFromDraft ? drafts.token(input.tokenFromDraft) : input.token;
    const changes: [string, string | null | undefined][] = [[refs.token, token]];
    if (input.oss === null) {
      changes.push([refs.ossSecret, null], [refs.ossSecurityToken, null]);
    } else if (input.oss) {
      const own = input.oss.credentials === 'own';
      changes.push([refs.ossSecret, own ? input.oss.accessKeySecret : null]);
      changes.push([refs.ossSecurityToken, own ? input.oss.securityToken : null]);
    }
    if (input.control === null) {
      changes.push([refs.controlSecret, null], [refs.controlSecurityToken, null]);
    } else if (input.control) {
      // "Same as OSS" keeps no key of its own: one left from `own` would be a secret nothing uses.
      const own = input.control.credentials === 'own';
      changes.push([refs.controlSecret, own ? input.control.accessKeySecret : null]);
      changes.push([refs.controlSecurityToken, own ? input.control.securityToken : null]);
    }
    if (changes.some(([, value]) => typeof value === 'string')) vault.assertCanStore();
    return changes;
  }

  function applySecrets(changes: [string, string | null | undefined][]): void {
    for (const [ref, value] of changes) {
      if (typeof value === 'string') vault.put(ref, value);
      else if (value === null) vault.delete(ref);
    }
  }

  function connection(serviceId: string): ServiceConnection {
    const record = repository.get(serviceId);
    const refs = secretRefs(serviceId);
    const result: ServiceConnection = { record };
    const token = vault.open(refs.token);
    if (token) result.token = token;
    if (record.oss) {
      const { bucket, prefix, region, endpoint } = record.oss;
      const oss: OssTarget = { bucket, prefix };
      if (region) oss.region = region;
      if (endpoint) oss.endpoint = endpoint;
      const shared = record.oss.credentials === 'shared';
      const accessKeyId = shared ? readSharedOss(store).accessKeyId : record.oss.accessKeyId;
      const secret = vault.open(shared ? SHARED_OSS_REFS.secret : refs.ossSecret);
      const securityToken = vault.open(shared ? SHARED_OSS_REFS.securityToken : refs.ossSecurityToken);
      if (accessKeyId) oss.accessKeyId = accessKeyId;
      if (secret) oss.accessKeySecret = secret;
      if (securityToken) oss.securityToken = securityToken;
      result.oss = oss;
    }
    const control = openControl(record, vault, store);
    if (control) result.control = control;
    return result;
  }

  async function test(serviceId: string, signal?: AbortSignal): Promise<HealthResult> {
    const record = repository.get(serviceId);
    let result: HealthResult;
    try {
      const opened = connection(serviceId);
      const target: HealthTarget = { serviceId, name: record.name, edition: record.edition, url: record.url };
      if (opened.token) target.token = opened.token;
      if (record.queue) target.queue = { endpoint: record.queue.endpoint, serviceName: record.queue.serviceName };
      if (opened.oss) target.oss = opened.oss;
      result = await checkServiceHealth(target, {
        clock,
        timeoutMs: options.healthTimeoutMs ?? 10_000,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      // A secret that cannot be opened (keychain changed) is a configuration problem the user can fix.
      if (!isArtlabError(error)) throw error;
      result = {
        serviceId,
        status: 'misconfigured',
        message: error.message,
        checkedAt: clock.now(),
        details: {},
        parts: [],
        warnings: [],
      };
    }
    // The service may have been deleted while the check ran: do not resurrect its health.
    if (repository.list().some((candidate) => candidate.id === serviceId)) {
      health.set(serviceId, result);
      events.emit('services.health', result);
    }
    return result;
  }

  const api: ServicesApi = {
    views: () => repository.list().map(dto),
    view: (id) => dto(repository.get(id)),
    create: (input) => {
      const id = randomUUID();
      const record = buildRecord(input, undefined, { id, now: clock.now(), newConsumerUid: randomUUID });
      const changes = secretChanges(input, secretRefs(id));
      applySecrets(changes);
      repository.save(record);
      if (input.tokenFromDraft) drafts.forget(input.tokenFromDraft);
      emitChanged();
      return dto(record);
    },
    update: (patch) => {
      const existing = repository.get(patch.id);
      const record = buildRecord(patch, existing, { id: existing.id, now: clock.now(), newConsumerUid: randomUUID });
      const changes = secretChanges(patch, secretRefs(existing.id));
      applySecrets(changes);
      repository.save(record);
      if (patch.tokenFromDraft) drafts.forget(patch.tokenFromDraft);
      health.delete(existing.id);
      emitChanged();
      return dto(record);
    },
    duplicate: (id) => {
      const existing = repository.get(id);
      const copyId = randomUUID();
      const now = clock.now();
      const copy: ServiceRecord = {
        ...existing,
        id: copyId,
        name: `${existing.name} (copy)`,
        createdAt: now,
        updatedAt: now,
      };
      // A copy is another consumer: sharing the uid would make two watchers steal each other's results.
      if (existing.queue) copy.queue = { ...existing.queue, consumerUid: randomUUID() };
      const from = secretRefs(id);
      const to = secretRefs(copyId);
      vault.copy(from.token, to.token);
      vault.copy(from.ossSecret, to.ossSecret);
      vault.copy(from.ossSecurityToken, to.ossSecurityToken);
      vault.copy(from.controlSecret, to.controlSecret);
      vault.copy(from.controlSecurityToken, to.controlSecurityToken);
      repository.save(copy);
      emitChanged();
      return dto(copy);
    },
    remove: (id) => {
      repository.get(id);
      repository.remove(id);
      vault.deletePrefix(`service/${id}/`);
      health.delete(id);
      emitChanged();
      return;
    },
    parseCallInfo: (text) => {
      const { token, ...rest } = parseCallInfo(text);
      if (!token) return { ...rest, hasToken: false };
      const insecure = rest.url ? insecureTokenWarning(rest.url) : undefined;
      return {
        ...rest,
        notes: insecure
          ? [
              ...rest.notes,
              {
                code: 'plain-http' as const,
                params: { host: parseLooseUrl(rest.url ?? '')?.hostname ?? rest.url ?? '' },
                message: insecure.warning,
              },
            ]
          : rest.notes,
        ...(insecure ? { suggestedUrl: insecure.suggestedUrl } : {}),
        draftId: drafts.keep(token),
        hasToken: true,
        tokenHint: maskSecret(token),
      };
    },
    test: (id) => test(id),
    sharedOss: () => readSharedOss(store, vault),
    setSharedOss: (input) => {
      const changes: [string, string | null | undefined][] = [
        [SHARED_OSS_REFS.secret, input.accessKeySecret],
        [SHARED_OSS_REFS.securityToken, input.securityToken],
      ];
      if (changes.some(([, value]) => typeof value === 'string')) vault.assertCanStore();
      applySecrets(changes);
      writeSharedOssKeyId(store, input.accessKeyId);
      emitChanged();
      return readSharedOss(store, vault);
    },
    vaultStatus: () => vaultStatus(),
    acceptWeakVault: () => {
      if (vault.status().strength !== 'weak') {
        throw new BadRequestError('There is no weaker mode to accept: secrets are stored normally.').withCode(
          'vault-weak-not-offered',
        );
      }
      vault.acceptWeak();
      return vaultStatus();
    },
    resetVault: () => {
      vault.forgetUnreadable();
      if (isRecoverableStore(store)) store.clearIncident();
      emitChanged();
      return vaultStatus();
    },
  };

  const intervalMs = options.healthIntervalMs ?? 5 * 60_000;
  const scheduler =
    intervalMs > 0
      ? new HealthScheduler({
          intervalMs,
          serviceIds: () => repository.list().map((record) => record.id),
          // The first round soon after start, so the list shows health without waiting a whole interval.
          firstDelayMs: Math.min(intervalMs, 3000),
          check: test,
          onError: (id, error) => options.logger?.error(`health check of ${id} failed`, error),
        })
      : undefined;

  return {
    ...api,
    connection,
    list: () => repository.list(),
    needsOss: (id) => needsOss(repository.get(id)),
    async close() {
      drafts.close();
      await scheduler?.close();
    },
  };
}
