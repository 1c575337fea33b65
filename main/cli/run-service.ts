// The services a run talks to (one, or the members of a pool), saved in the data folder. Each is named as the
// desktop app would name it (the API-edition service name, or the host), so that errors say which service. In a kept
// data folder a service is updated only when a setting differs: an update restarts its lane, which a resume must not
// do for nothing.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ContractHandlers } from '../../preload/contract';
import type { KeyValueStore } from '../adapters';
import { normaliseServiceUrl, suggestName } from '../services/service-url';
import type { RunFlags, ServiceFlags } from './run-flags';
import { UsageError } from './run-usage';

/** The settings digest of the service at a URL, per edition: `cli.serviceSettings.<sha256(edition url)>`. */
const settingsKey = (edition: string, url: string): string =>
  `cli.serviceSettings.${createHash('sha256').update(`${edition} ${url}`).digest('hex').slice(0, 32)}`;
const savedSettingsSchema = z.object({ serviceId: z.string(), salt: z.string(), digest: z.string() });

export interface SavedService {
  id: string;
  name: string;
}

export function serviceInput(flags: ServiceFlags, concurrency: number | undefined) {
  return {
    name: suggestName(flags.url) ?? flags.url,
    url: flags.url,
    edition: flags.edition,
    token: flags.token ?? null,
    ...(concurrency !== undefined && flags.edition === 'queue' ? { queue: { concurrency } } : {}),
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

/** How a run names its services in a sentence: "a", "a and b", "a, b and c". */
export function namesOf(services: readonly SavedService[]): string {
  const names = services.map(({ name }) => name);
  const last = names.pop() ?? '';
  return names.length === 0 ? last : `${names.join(', ')} and ${last}`;
}

/** Saves (or finds unchanged) each service of the run, in the order of its `--url`s. */
export async function saveServices(
  handlers: ContractHandlers,
  store: KeyValueStore,
  flags: RunFlags,
): Promise<SavedService[]> {
  const saved: SavedService[] = [];
  for (const service of flags.services) {
    const one = await saveService(handlers, store, service, flags.concurrency);
    if (saved.some((other) => other.id === one.id)) throw new UsageError(`--url ${service.url} is given twice.`);
    saved.push(one);
  }
  return saved;
}

async function saveService(
  handlers: ContractHandlers,
  store: KeyValueStore,
  flags: ServiceFlags,
  concurrency: number | undefined,
): Promise<SavedService> {
  const input = serviceInput(flags, concurrency);
  const url = normaliseServiceUrl(flags.url, flags.edition);
  const key = settingsKey(flags.edition, url ?? flags.url);
  const services = await handlers['services.list'](undefined);
  const existing = services.find((service) => service.edition === flags.edition && service.url === url);
  const saved = savedSettingsSchema.safeParse(store.get(key));
  if (existing && saved.success && saved.data.serviceId === existing.id) {
    if (saved.data.digest === digestOf(saved.data.salt, input)) return { id: existing.id, name: existing.name };
  }
  const service = existing
    ? await handlers['services.update']({ ...input, id: existing.id })
    : await handlers['services.create'](input);
  const salt = randomBytes(16).toString('hex');
  store.set(key, { serviceId: service.id, salt, digest: digestOf(salt, input) });
  return { id: service.id, name: service.name };
}
