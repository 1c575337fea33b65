// The EAS control settings of a service record that controls the simulator's Exclusive-edition service with the
// control API's own AccessKey: what a test types into the service dialog's "EAS control" section.
import type { SimulatorInfo } from './index';

export function simControlSettings(info: SimulatorInfo, extra: { autoStopIdleMinutes?: number } = {}) {
  const { control } = info;
  return {
    credentials: 'own' as const,
    accessKeyId: control.accessKeyId,
    accessKeySecret: control.accessKeySecret,
    region: control.region,
    serviceName: control.services.exclusive,
    ...extra,
  };
}
