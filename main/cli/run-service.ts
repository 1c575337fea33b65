// The one service a run talks to, saved in the data folder. It is named as the desktop app would name it (the
// API-edition service name, or the host), so that errors say which service. In a kept data folder it is updated only
// when a setting differs: an update restarts the service's lane, which a resume must not do for nothing.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ContractHandlers } from '../../preload/contract';
import type { KeyValueStore } from '../adapters';
import { normaliseServiceUrl, suggestName } from '../services/service-url';
import type { RunFlags } from './run-flags';

const SETTINGS_KEY = 'cli.serviceSettings';
const savedSettingsSchema = z.object({ serviceId: z.string(), salt: z.string(), digest: z.string() });

export interface SavedService {
  id: string;
  name: string;
}

export function serviceInput(flags: RunFlags) {
  return {
    name: suggestName(flags.url) ?? flags.url,
    url: flags.url,
    edition: flags.edition,
    token: flags.token ?? null,
    ...(flags.concurrency !== undefined && flags.edition === 'queue'
      ? { queue: { concurrency: flags.concurrency } }
      : {}),
    oss: flags.oss
      ? {
          location: flags.oss.location,
          credentials: 'own' as const,
          accessKeyId: flags.oss.accessKeyId,
          accessKeySecret: flags.oss.accessKeySecret,
          ...(flags.oss.endpoint ? { endpoint: flags.oss.endpoint } : {}),
          ...(flags.oss.region ? { region: flags.oss.region } : {}),
        }
      : null,
  };
}

/** A salted digest: the settings include the token, and the store is a plain file. */
function digestOf(salt: string, input: ReturnType<typeof serviceInput>): string {
  return createHash('sha256').update(salt).update(JSON.stringify(input)).digest('hex');
}

export async function saveService(
  handlers: ContractHandlers,
  store: KeyValueStore,
  flags: RunFlags,
): Promise<SavedService> {
  const input = serviceInput(flags);
  const url = normaliseServiceUrl(flags.url, flags.edition);
  const services = await handlers['services.list'](undefined);
  const existing = services.find((service) => service.edition === flags.edition && service.url === url);
  const saved = savedSettingsSchema.safeParse(store.get(SETTINGS_KEY));
  if (existing && saved.success && saved.data.serviceId === existing.id) {
    if (saved.data.digest === digestOf(saved.data.salt, input)) return { id: existing.id, name: existing.name };
  }
  const service = existing
    ? await handlers['services.update']({ ...input, id: existing.id })
    : await handlers['services.create'](input);
  const salt = randomBytes(16).toString('hex');
  store.set(SETTINGS_KEY, { serviceId: service.id, salt, digest: digestOf(salt, input) });
  return { id: service.id, name: service.name };
}
