// The AccessKey a service's EAS control settings use, in one place for the DTO (hints only) and the connection
// (secrets opened, main only). `oss` borrows the service's OSS key, which may itself be the shared one.
import type { z } from 'zod';
import type { ControlDtoSchema } from '../../preload/schemas/services';
import type { KeyValueStore } from '../adapters';
import { resolveControlTarget, type ControlTarget } from '../lifecycle/control-target';
import { readSharedOss } from './service-dto';
import { SHARED_OSS_REFS, secretRefs, type ServiceRecord } from './service-record';
import type { Vault } from './vault';

export type ControlDto = z.infer<typeof ControlDtoSchema>;

/** What a control client in main needs. Never send it to the renderer. */
export interface ControlConnection {
  target: ControlTarget;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

interface KeySource {
  accessKeyId?: string;
  secretRef: string;
  securityTokenRef: string;
}

function keySource(record: ServiceRecord, store: KeyValueStore): KeySource | undefined {
  const control = record.control;
  if (!control) return undefined;
  const refs = secretRefs(record.id);
  if (control.credentials === 'own') {
    return {
      ...(control.accessKeyId ? { accessKeyId: control.accessKeyId } : {}),
      secretRef: refs.controlSecret,
      securityTokenRef: refs.controlSecurityToken,
    };
  }
  const oss = record.oss;
  if (!oss) return undefined;
  const shared = oss.credentials === 'shared';
  const accessKeyId = shared ? readSharedOss(store).accessKeyId : oss.accessKeyId;
  return {
    ...(accessKeyId ? { accessKeyId } : {}),
    secretRef: shared ? SHARED_OSS_REFS.secret : refs.ossSecret,
    securityTokenRef: shared ? SHARED_OSS_REFS.securityToken : refs.ossSecurityToken,
  };
}

/** The service the control API would act on, or undefined when neither the record nor the URL says. */
function targetOf(record: ServiceRecord): ControlTarget | undefined {
  try {
    return resolveControlTarget(record.url, record.control ?? {});
  } catch {
    return undefined;
  }
}

export function controlDto(record: ServiceRecord, vault: Vault, store: KeyValueStore): ControlDto | undefined {
  const control = record.control;
  if (!control) return undefined;
  const source = keySource(record, store);
  const secretHint = source ? vault.hint(source.secretRef) : undefined;
  const target = targetOf(record);
  return {
    credentials: control.credentials,
    ...(control.credentials === 'own' && control.accessKeyId ? { accessKeyId: control.accessKeyId } : {}),
    hasSecret: secretHint !== undefined,
    ...(secretHint ? { secretHint } : {}),
    hasSecurityToken: source ? vault.has(source.securityTokenRef) : false,
    ...(control.region ? { region: control.region } : {}),
    ...(control.serviceName ? { serviceName: control.serviceName } : {}),
    ...(target ? { target } : {}),
    configured: Boolean(source?.accessKeyId && secretHint !== undefined && target),
    ...(control.autoStopIdleMinutes !== undefined ? { autoStopIdleMinutes: control.autoStopIdleMinutes } : {}),
  };
}

/** The control key and target with secrets opened, or undefined when the settings are not complete. */
export function openControl(record: ServiceRecord, vault: Vault, store: KeyValueStore): ControlConnection | undefined {
  const source = keySource(record, store);
  const target = targetOf(record);
  if (!source?.accessKeyId || !target) return undefined;
  const accessKeySecret = vault.open(source.secretRef);
  if (!accessKeySecret) return undefined;
  const securityToken = vault.open(source.securityTokenRef);
  return {
    target,
    accessKeyId: source.accessKeyId,
    accessKeySecret,
    ...(securityToken ? { securityToken } : {}),
  };
}
