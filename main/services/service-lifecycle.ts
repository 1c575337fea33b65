// Start, stop and scale the GPU behind a saved service through the EAS control API, and read what it is doing. The
// key and target come from the service's control settings (control-credentials.ts); a stop, or a scale to zero, is
// refused while the service has jobs in flight unless the artist confirmed it (DESIGN: a lifecycle action never loses
// a job silently — jobs in flight would fail or wait for the service to come back).
import type { ServiceLifecycleDto } from '../../preload/schemas/lifecycle';
import { NotFoundError, ValidationError } from '../errors';
import { controlEndpointFor } from '../lifecycle/control-target';
import { EasControlClient } from '../lifecycle/eas-control-client';
import { SETTLED_STATUSES, type EasInstance, type EasServiceStatus } from '../lifecycle/eas-replies';
import type { ControlConnection } from './control-credentials';

/** Where the control API of a region answers: EAS's own host over TLS; a simulator on loopback in tests and the demo. */
export type ControlEndpoint = (region: string) => { endpoint: string; protocol: 'https' | 'http' };

export const easControlEndpoint: ControlEndpoint = (region) => ({
  endpoint: controlEndpointFor(region),
  protocol: 'https',
});

export interface LifecycleDeps {
  /** The service's name for sentences, or undefined when it is gone. */
  serviceName(serviceId: string): string | undefined;
  /** The opened control key and target, or undefined when the settings are incomplete. */
  control(serviceId: string): ControlConnection | undefined;
  /** Jobs of the service sent and not finished. */
  jobsInFlight(serviceId: string): number;
  endpoint?: ControlEndpoint;
  now(): number;
}

export class ServiceLifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  async read(serviceId: string): Promise<ServiceLifecycleDto> {
    const { client, target } = this.open(serviceId);
    const [status, instances] = await Promise.all([
      client.describeService(target),
      client.listServiceInstances(target),
    ]);
    return this.dto(serviceId, status, instances.instances);
  }

  async start(serviceId: string): Promise<ServiceLifecycleDto> {
    const { client, target } = this.open(serviceId);
    await client.startService(target);
    return this.read(serviceId);
  }

  async stop(serviceId: string, force = false): Promise<ServiceLifecycleDto> {
    this.refuseWithJobsInFlight(serviceId, force, 'stop');
    const { client, target } = this.open(serviceId);
    await client.stopService(target);
    return this.read(serviceId);
  }

  async scale(serviceId: string, instances: number, force = false): Promise<ServiceLifecycleDto> {
    if (instances === 0) this.refuseWithJobsInFlight(serviceId, force, 'scale');
    const { client, target } = this.open(serviceId);
    await client.scaleService(target, instances);
    return this.read(serviceId);
  }

  private refuseWithJobsInFlight(serviceId: string, force: boolean, action: 'stop' | 'scale'): void {
    const jobs = this.deps.jobsInFlight(serviceId);
    if (jobs === 0 || force) return;
    const name = this.deps.serviceName(serviceId) ?? serviceId;
    const what = action === 'stop' ? 'Stopping' : 'Scaling to zero';
    throw new ValidationError(
      `${what} "${name}" would interrupt ${jobs} job${jobs === 1 ? '' : 's'} it is working on. Wait for them, cancel them, or confirm to ${action === 'stop' ? 'stop' : 'scale'} anyway.`,
    ).withCode(action === 'stop' ? 'lifecycle-stop-jobs-in-flight' : 'lifecycle-scale-jobs-in-flight', {
      service: name,
      jobs,
    });
  }

  private open(serviceId: string): { client: EasControlClient; target: ControlConnection['target'] } {
    const name = this.deps.serviceName(serviceId);
    if (name === undefined) {
      throw new NotFoundError('That service no longer exists. It may have been deleted in another window.').withCode(
        'service-gone',
      );
    }
    const control = this.deps.control(serviceId);
    if (!control) {
      throw new ValidationError(
        `"${name}" has no control settings: add an AccessKey for the EAS control API (and its region and service name if the URL does not say them) in the service's dialog.`,
      ).withCode('lifecycle-not-configured', { service: name });
    }
    const { endpoint, protocol } = (this.deps.endpoint ?? easControlEndpoint)(control.target.region);
    const client = new EasControlClient({
      endpoint,
      protocol,
      credentials: {
        accessKeyId: control.accessKeyId,
        accessKeySecret: control.accessKeySecret,
        ...(control.securityToken ? { securityToken: control.securityToken } : {}),
      },
    });
    return { client, target: control.target };
  }

  private dto(serviceId: string, status: EasServiceStatus, instances: EasInstance[]): ServiceLifecycleDto {
    return {
      serviceId,
      status: status.status,
      settled: SETTLED_STATUSES.includes(status.status),
      ...(status.reason !== undefined ? { reason: status.reason } : {}),
      ...(status.message !== undefined ? { message: status.message } : {}),
      running: status.runningInstances,
      pending: status.pendingInstances,
      total: status.totalInstances,
      instances: instances.slice(0, 1000).map((instance) => {
        const started = instance.startTime === undefined ? NaN : Date.parse(instance.startTime);
        return {
          name: instance.name,
          status: instance.status,
          role: instance.role,
          ...(instance.instanceType !== undefined ? { instanceType: instance.instanceType } : {}),
          ...(Number.isFinite(started) ? { startedAt: started } : {}),
        };
      }),
      jobsInFlight: this.deps.jobsInFlight(serviceId),
      readAt: this.deps.now(),
    };
  }
}
