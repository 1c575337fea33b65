// A damaged settings file or an unreadable secret never crashes the app: it is set aside, explained, and resettable.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecoverableNodeStore } from '../../../main/node-adapters';
import { openStudio, type TestStudio } from './studio-harness';

const DAMAGED = '{"services": {"schemaVersion": 1, "services": [';
const dirs: string[] = [];
const studios: TestStudio[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'artlab-recovery-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(studios.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a damaged store file', () => {
  it('is copied aside at start-up, and the store starts empty', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), DAMAGED);
    const store = createRecoverableNodeStore(dir);
    expect(store.get('services')).toBeUndefined();
    const incident = store.incident;
    expect(incident?.message).toMatch(/damaged.*started with empty settings/);
    expect(incident && readFileSync(incident.backupPath, 'utf8')).toBe(DAMAGED);
    store.set('x', 1);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({ x: 1 });
  });

  it('is caught when it goes bad while the app runs', () => {
    const dir = tempDir();
    const store = createRecoverableNodeStore(dir);
    store.set('theme', 'dark');
    expect(store.incident).toBeUndefined();
    writeFileSync(store.path, '{not json');
    expect(store.get('theme')).toBeUndefined();
    expect(store.incident).toBeDefined();
    expect(readdirSync(dir).filter((name) => name.includes('.damaged-'))).toHaveLength(1);
  });

  it('is reported through vault.status until the user resets, and the app keeps working', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), DAMAGED);
    const s = openStudio({ dir, keepDir: true });
    studios.push(s);
    const status = await s.call('vault.status');
    expect(status.storeIncident?.backupPath).toContain('config.json.damaged-');
    expect(await s.call('services.list')).toEqual([]);
    await s.call('services.create', { name: 'Local', url: 'http://127.0.0.1:8188' });
    expect((await s.call('vault.reset')).storeIncident).toBeUndefined();
    expect(await s.call('services.list')).toHaveLength(1);
  });

  it('sets aside service records that do not fit the schema and counts them', async () => {
    const dir = tempDir();
    const record = { id: 'a', edition: 'exclusive', name: 'A', url: 'http://127.0.0.1:1/', createdAt: 1, updatedAt: 1 };
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ services: { schemaVersion: 1, services: [record, { id: 'b', edition: 'warp' }] } }),
    );
    const s = openStudio({ dir, keepDir: true });
    studios.push(s);
    expect((await s.call('services.list')).map((dto) => dto.id)).toEqual(['a']);
    expect(await s.call('vault.status')).toMatchObject({ quarantinedRecords: 1 });
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toMatchObject({
      servicesQuarantine: [{ id: 'b', edition: 'warp' }],
    });
  });
});

describe('an unreadable secret', () => {
  it('turns a health check into “misconfigured” with what to do, and reset forgets it', async () => {
    const dir = tempDir();
    const first = openStudio({ dir, keepDir: true });
    const { id } = await first.call('services.create', {
      name: 'E',
      url: 'http://127.0.0.1:9/',
      token: 'tok-sealed-with-the-old-key',
    });
    await first.close();
    // A new key file: what happens when the keychain entry is lost.
    rmSync(join(dir, 'secret.key'));
    const s = openStudio({ dir, keepDir: true });
    studios.push(s);
    const result = await s.call('services.test', { id });
    expect(result).toMatchObject({
      status: 'misconfigured',
      message: expect.stringMatching(/Enter the token/) as unknown,
    });
    expect(await s.call('vault.status')).toMatchObject({ unreadableSecrets: 1 });
    await s.call('vault.reset');
    expect(await s.call('vault.status')).toMatchObject({ unreadableSecrets: 0 });
    expect(await s.call('services.get', { id })).toMatchObject({ hasToken: false });
    expect(existsSync(join(dir, 'secret.key'))).toBe(true);
  });
});
