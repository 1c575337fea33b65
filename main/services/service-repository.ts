// Service records in the key-value store, under their own key (secrets live under the vault's). Every read parses
// and migrates; records that do not parse are moved to a quarantine key, never dropped.
import type { KeyValueStore } from '../adapters';
import { NotFoundError, StorageError } from '../errors';
import { loadServicesFile } from './service-migrations';
import { SERVICES_SCHEMA_VERSION, type ServiceRecord } from './service-record';

const KEY = 'services';
const QUARANTINE_KEY = 'servicesQuarantine';

export class ServiceRepository {
  constructor(private readonly store: KeyValueStore) {}

  list(): ServiceRecord[] {
    return this.load().records;
  }

  get(id: string): ServiceRecord {
    const record = this.list().find((candidate) => candidate.id === id);
    if (!record) {
      throw new NotFoundError('That service no longer exists. It may have been deleted in another window.').withCode(
        'service-gone',
      );
    }
    return record;
  }

  /** Inserts or replaces by id, keeping the order of the list. */
  save(record: ServiceRecord): void {
    const records = this.writableRecords();
    const at = records.findIndex((candidate) => candidate.id === record.id);
    if (at >= 0) records[at] = record;
    else records.push(record);
    this.write(records);
  }

  remove(id: string): void {
    const records = this.writableRecords();
    this.write(records.filter((record) => record.id !== id));
  }

  quarantinedCount(): number {
    const quarantined = this.store.get(QUARANTINE_KEY);
    return Array.isArray(quarantined) ? quarantined.length : 0;
  }

  private load() {
    const loaded = loadServicesFile(this.store.get(KEY));
    if (loaded.changed && !loaded.readOnly) {
      if (loaded.quarantined.length > 0) {
        const earlier: unknown = this.store.get(QUARANTINE_KEY);
        const kept: unknown[] = Array.isArray(earlier) ? (earlier as unknown[]) : [];
        this.store.set(QUARANTINE_KEY, [...kept, ...loaded.quarantined]);
      }
      this.write(loaded.records);
    }
    return loaded;
  }

  private writableRecords(): ServiceRecord[] {
    const loaded = this.load();
    if (loaded.readOnly) {
      throw new StorageError(
        'The saved services were written by a newer version of ArtLab Desktop, so this version will not change them. Update the app to edit services.',
      ).withCode('services-newer-version');
    }
    return loaded.records;
  }

  private write(records: ServiceRecord[]): void {
    this.store.set(KEY, { schemaVersion: SERVICES_SCHEMA_VERSION, services: records });
  }
}
