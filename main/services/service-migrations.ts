// Upgrades the stored services file to SERVICES_SCHEMA_VERSION, one step at a time. A file from a newer version of
// the app is never rewritten (it would lose fields this version does not know): the caller keeps it read-only.
import { StorageError } from '../errors';
import { SERVICES_SCHEMA_VERSION, ServiceRecordSchema, type ServiceRecord } from './service-record';

export interface Migration {
  /** Upgrades a file of version `from` to `from + 1`. */
  from: number;
  migrate(file: Record<string, unknown>): Record<string, unknown>;
}

/**
 * Every migration ever shipped, in order. Version 1 is the first released shape, so there is none yet; the next
 * change to ServiceRecordSchema bumps SERVICES_SCHEMA_VERSION and appends `{ from: 1, migrate }` here.
 */
export const SERVICE_MIGRATIONS: readonly Migration[] = [];

export interface LoadedServices {
  records: ServiceRecord[];
  /** Raw records that did not parse: kept aside, never silently dropped. */
  quarantined: unknown[];
  /** True when the stored data was upgraded (or created) and should be written back. */
  changed: boolean;
  /** True when the file comes from a newer app version: read it, never write it. */
  readOnly: boolean;
}

export function loadServicesFile(
  raw: unknown,
  migrations: readonly Migration[] = SERVICE_MIGRATIONS,
  currentVersion = SERVICES_SCHEMA_VERSION,
): LoadedServices {
  if (raw === undefined || raw === null) return { records: [], quarantined: [], changed: false, readOnly: false };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { records: [], quarantined: [raw], changed: true, readOnly: false };
  }
  let file = raw as Record<string, unknown>;
  // Every shape this app ever wrote carries a version: anything else is not ours to interpret.
  if (typeof file.schemaVersion !== 'number')
    return { records: [], quarantined: [raw], changed: true, readOnly: false };
  const version = file.schemaVersion;
  if (version > currentVersion) {
    const { records, quarantined } = parseRecords(file.services);
    return { records, quarantined, changed: false, readOnly: true };
  }
  let at = version;
  while (at < currentVersion) {
    const step = migrations.find((migration) => migration.from === at);
    if (!step) {
      throw new StorageError(
        `The saved services are in format ${at}, which this version cannot upgrade. Update ArtLab Desktop.`,
      ).withCode('services-format-unknown', { format: at });
    }
    file = { ...step.migrate(file), schemaVersion: at + 1 };
    at += 1;
  }
  const { records, quarantined } = parseRecords(file.services);
  return { records, quarantined, changed: version !== currentVersion || quarantined.length > 0, readOnly: false };
}

function parseRecords(services: unknown): { records: ServiceRecord[]; quarantined: unknown[] } {
  const records: ServiceRecord[] = [];
  const quarantined: unknown[] = [];
  for (const item of Array.isArray(services) ? services : []) {
    const parsed = ServiceRecordSchema.safeParse(item);
    if (parsed.success && !records.some((record) => record.id === parsed.data.id)) records.push(parsed.data);
    else quarantined.push(item);
  }
  return { records, quarantined };
}
