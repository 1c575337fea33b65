import { describe, expect, it } from 'vitest';
import { StorageError, ValidationError } from '../../../main/errors';
import { SERVICE_MIGRATIONS, loadServicesFile, type Migration } from '../../../main/services/service-migrations';
import { SERVICES_SCHEMA_VERSION, parseOssLocation } from '../../../main/services/service-record';

const record = {
  id: 'svc-1',
  edition: 'exclusive',
  name: 'Local',
  url: 'http://127.0.0.1:8188/',
  createdAt: 1,
  updatedAt: 1,
};

describe('services file versions', () => {
  it('has one migration per version below the current one, in order', () => {
    expect(SERVICE_MIGRATIONS.map((migration) => migration.from)).toEqual(
      Array.from({ length: SERVICES_SCHEMA_VERSION - 1 }, (_, i) => i + 1),
    );
  });

  it('starts empty when nothing is stored', () => {
    expect(loadServicesFile(undefined)).toEqual({ records: [], quarantined: [], changed: false, readOnly: false });
  });

  it('reads a current file without rewriting it', () => {
    const loaded = loadServicesFile({ schemaVersion: SERVICES_SCHEMA_VERSION, services: [record] });
    expect(loaded).toEqual({ records: [record], quarantined: [], changed: false, readOnly: false });
  });

  it('runs every step from an older version, in order, and asks for the result to be written', () => {
    const steps: Migration[] = [
      {
        from: 1,
        migrate: (file) => ({
          ...file,
          services: (file.services as Record<string, unknown>[]).map((s) => ({ ...s, name: `${String(s.title)}` })),
        }),
      },
      {
        from: 2,
        migrate: (file) => ({
          ...file,
          services: (file.services as Record<string, unknown>[]).map(({ title: _title, ...s }) => s),
        }),
      },
    ];
    const old = { schemaVersion: 1, services: [{ ...record, name: undefined, title: 'Renamed' }] };
    const loaded = loadServicesFile(old, steps, 3);
    expect(loaded.records).toEqual([{ ...record, name: 'Renamed' }]);
    expect(loaded.changed).toBe(true);
  });

  it('refuses to guess when a step is missing', () => {
    expect(() => loadServicesFile({ schemaVersion: 1, services: [] }, [], 2)).toThrow(StorageError);
  });

  it('reads a file from a newer app version but marks it read-only, so its unknown fields survive', () => {
    const loaded = loadServicesFile({ schemaVersion: SERVICES_SCHEMA_VERSION + 1, services: [record] });
    expect(loaded).toMatchObject({ records: [record], readOnly: true, changed: false });
  });

  it('sets aside records that do not fit the schema instead of dropping them', () => {
    const broken = { id: 'svc-2', edition: 'teleport' };
    const loaded = loadServicesFile({ schemaVersion: SERVICES_SCHEMA_VERSION, services: [record, broken, record] });
    expect(loaded.records).toEqual([record]);
    expect(loaded.quarantined).toEqual([broken, record]);
    expect(loaded.changed).toBe(true);
  });

  it('sets aside a whole value of a shape this app never wrote', () => {
    expect(loadServicesFile([record])).toMatchObject({ records: [], quarantined: [[record]] });
    expect(loadServicesFile({ services: [record] })).toMatchObject({
      records: [],
      quarantined: [{ services: [record] }],
    });
  });
});

describe('OSS locations', () => {
  it('splits oss://bucket/prefix/ and always ends a prefix with a slash', () => {
    expect(parseOssLocation('oss://my-bucket/data-xyz/')).toEqual({ bucket: 'my-bucket', prefix: 'data-xyz/' });
    expect(parseOssLocation('oss://my-bucket/a/b')).toEqual({ bucket: 'my-bucket', prefix: 'a/b/' });
    expect(parseOssLocation('oss://my-bucket')).toEqual({ bucket: 'my-bucket', prefix: '' });
    expect(parseOssLocation(' oss://my-bucket/ ')).toEqual({ bucket: 'my-bucket', prefix: '' });
  });

  it('refuses what is not an OSS location', () => {
    expect(() => parseOssLocation('s3://bucket/x')).toThrow(ValidationError);
    expect(() => parseOssLocation('oss://Bad_Bucket/x')).toThrow(ValidationError);
    expect(() => parseOssLocation('oss://bucket/../x')).toThrow(ValidationError);
  });
});
