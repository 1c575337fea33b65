// services.* and vault.*: saved services (secrets write-only: the renderer sees `hasToken` and a hint), pasted call
// information, health checks, the shared OSS AccessKey, and the vault that seals every secret.
import type { ContractHandlers } from '../../preload/contract';
import { answer } from './answer';
import type { serviceMethods } from '../../preload/schemas/services';
import type { ServicesApi } from '../services/services-module';

export type ServiceHandlers = Pick<ContractHandlers, keyof typeof serviceMethods>;

export function serviceHandlers(services: ServicesApi): ServiceHandlers {
  return {
    'services.list': () => answer(() => services.views()),
    'services.get': ({ id }) => answer(() => services.view(id)),
    'services.create': (input) => answer(() => services.create(input)),
    'services.update': (patch) => answer(() => services.update(patch)),
    'services.duplicate': ({ id }) => answer(() => services.duplicate(id)),
    'services.delete': ({ id }) => answer(() => services.remove(id)),
    'services.parseCallInfo': ({ text }) => answer(() => services.parseCallInfo(text)),
    'services.test': ({ id }) => services.test(id),
    'services.sharedOss.get': () => answer(() => services.sharedOss()),
    'services.sharedOss.set': (input) => answer(() => services.setSharedOss(input)),
    'vault.status': () => answer(() => services.vaultStatus()),
    'vault.acceptWeak': () => answer(() => services.acceptWeakVault()),
    'vault.reset': () => answer(() => services.resetVault()),
  };
}
