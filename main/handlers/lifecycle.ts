// services.lifecycle/start/stop/scale: the GPU behind a service, through the EAS control API (services/service-lifecycle.ts).
// services.cost: its estimated cost (cost/service-cost.ts). Every lifecycle read is also recorded as running time and
// kept for auto-stop (lifecycle/auto-stop-host.ts); services.keepRunning answers auto-stop's warning.
import type { ContractHandlers } from '../../preload/contract';
import type {
  BatchCostDto,
  lifecycleMethods,
  ServiceCostDto,
  ServiceLifecycleDto,
} from '../../preload/schemas/lifecycle';
import type { UsageRecorder } from '../cost/service-cost';
import type { AutoStopHost } from '../lifecycle/auto-stop-host';
import type { ServiceLifecycle } from '../services/service-lifecycle';

export type LifecycleHandlers = Pick<ContractHandlers, keyof typeof lifecycleMethods>;

export interface CostDeps {
  recorder: UsageRecorder;
  /** The service's figures, or null when it has no price. */
  figures(serviceId: string): ServiceCostDto | null;
  /** The batch's figures, or null before any of its jobs finished or without a price. */
  batch(batchId: string): BatchCostDto | null;
}

export function lifecycleHandlers(
  lifecycle: ServiceLifecycle,
  cost: CostDeps,
  autoStop: Pick<AutoStopHost, 'observed' | 'keepRunning'>,
): LifecycleHandlers {
  const recorded = async (read: Promise<ServiceLifecycleDto>): Promise<ServiceLifecycleDto> => {
    const dto = await read;
    cost.recorder.recordRead(dto.serviceId, dto.instances, dto.readAt);
    autoStop.observed(dto);
    return dto;
  };
  return {
    'services.lifecycle': ({ serviceId }) => recorded(lifecycle.read(serviceId)),
    'services.start': ({ serviceId }) => recorded(lifecycle.start(serviceId)),
    'services.stop': ({ serviceId, force }) => recorded(lifecycle.stop(serviceId, force)),
    'services.scale': ({ serviceId, instances, force }) => recorded(lifecycle.scale(serviceId, instances, force)),
    'services.cost': ({ serviceId }) => Promise.resolve(cost.figures(serviceId)),
    'batches.cost': ({ batchId }) => Promise.resolve(cost.batch(batchId)),
    'services.keepRunning': ({ serviceId }) => Promise.resolve(autoStop.keepRunning(serviceId)),
  };
}
