// Saved pools through the Studio's contract: kept in the data folder across a restart, names unique, at least two
// services, a deleted service drops out of its pools, and every change is announced to the renderer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PoolDto } from '../../preload/schemas/pools';
import type { Studio } from '../../main/studio';
import { nodeStudio } from './support/node-studio';
import { studioCalls } from './support/studio-call';

let dir: string;
let studio: Studio;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-saved-pools-'));
  studio = nodeStudio(dir);
});
afterEach(async () => {
  await studio.close();
  rmSync(dir, { recursive: true, force: true });
});

const { call, failure } = studioCalls(() => studio);

async function service(name: string): Promise<string> {
  return (await call('services.create', { name, url: `http://127.0.0.1:9/${name}/`, token: null })).id;
}

describe('saved pools', () => {
  it('keeps a pool across a restart, and drops a deleted service from it', async () => {
    const [a, b, c] = [await service('a'), await service('b'), await service('c')];
    const announced: PoolDto[][] = [];
    const off = studio.events.subscribe((event, payload) => {
      if (event === 'pools.changed') announced.push(payload as PoolDto[]);
    });
    const pool = await call('pools.save', { name: 'Farm', serviceIds: [b, a, c] });
    off();
    expect(pool.serviceIds).toEqual([b, a, c]);
    expect(announced).toEqual([[pool]]);

    await studio.close();
    studio = nodeStudio(dir);
    expect(await call('pools.list')).toEqual([pool]);
    await call('services.delete', { id: a });
    expect(await call('pools.list')).toEqual([{ ...pool, serviceIds: [b, c] }]);

    const renamed = await call('pools.save', { id: pool.id, name: 'Render farm', serviceIds: [c, b] });
    expect(await call('pools.list')).toEqual([renamed]);
    await call('pools.delete', { id: pool.id });
    expect(await call('pools.list')).toEqual([]);
  });

  it('refuses a taken name, one service, and a service that does not exist, with coded reasons', async () => {
    const [a, b] = [await service('a'), await service('b')];
    await call('pools.save', { name: 'Farm', serviceIds: [a, b] });
    expect(await failure('pools.save', { name: ' farm ', serviceIds: [a, b] })).toMatchObject({
      code: 'pool-name-taken',
    });
    expect(await failure('pools.save', { name: 'Twice', serviceIds: [a, a] })).toMatchObject({
      code: 'pool-too-small',
    });
    expect(await failure('pools.save', { name: 'Ghost', serviceIds: [a, 'gone'] })).toMatchObject({
      code: 'pool-service-gone',
    });
    expect((await call('pools.list')).map((pool) => pool.name)).toEqual(['Farm']);
  });
});
