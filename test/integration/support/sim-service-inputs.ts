// What `services.create` takes for a simulator's two editions, so tests do not spell the same fields out each time.
import type { SimulatorInfo } from '../../sim/index';

/** The simulator's OSS mount as a service's OSS location with its own AccessKey. */
export function simOssInput(info: SimulatorInfo) {
  return {
    location: `oss://${info.oss.bucket}/${info.oss.prefix}/`,
    region: info.oss.region,
    endpoint: info.oss.endpoint,
    credentials: 'own' as const,
    accessKeyId: info.oss.accessKeyId,
    accessKeySecret: info.oss.accessKeySecret,
  };
}

export const exclusiveServiceInput = (info: SimulatorInfo, name = 'direct') => ({
  name,
  url: info.exclusive.url,
  token: info.exclusive.token,
});

export const queueServiceInput = (info: SimulatorInfo, name = 'queue') => ({
  name,
  url: info.queue.url,
  token: info.queue.token,
  oss: simOssInput(info),
});
