// services.lifecycle/start/stop/scale: the GPU behind a service, through the EAS control API (services/service-lifecycle.ts).
import type { ContractHandlers } from '../../preload/contract';
import type { lifecycleMethods } from '../../preload/schemas/lifecycle';
import type { ServiceLifecycle } from '../services/service-lifecycle';

export type LifecycleHandlers = Pick<ContractHandlers, keyof typeof lifecycleMethods>;

export function lifecycleHandlers(lifecycle: ServiceLifecycle): LifecycleHandlers {
  return {
    'services.lifecycle': ({ serviceId }) => lifecycle.read(serviceId),
    'services.start': ({ serviceId }) => lifecycle.start(serviceId),
    'services.stop': ({ serviceId, force }) => lifecycle.stop(serviceId, force),
    'services.scale': ({ serviceId, instances, force }) => lifecycle.scale(serviceId, instances, force),
  };
}
