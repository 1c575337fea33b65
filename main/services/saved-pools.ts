// Saved pools (preload/schemas/pools.ts) in the settings store: a name and the services in the artist's order. Only
// ids are kept, so a pool never holds a secret; a service deleted since simply drops out of the list.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { MethodArgs } from '../../preload/contract';
import type { PoolDto } from '../../preload/schemas/pools';
import type { KeyValueStore } from '../adapters';
import type { EventHub } from '../contract/event-hub';
import { NotFoundError, ValidationError } from '../errors';

const KEY = 'pools';
const MAX_POOLS = 100;

const storedSchema = z.object({
  pools: z.array(z.object({ id: z.string(), name: z.string(), serviceIds: z.array(z.string()) })).max(MAX_POOLS),
});

export class SavedPools {
  constructor(
    private readonly store: KeyValueStore,
    private readonly events: EventHub,
    /** The ids of the services saved now. */
    private readonly serviceIds: () => ReadonlySet<string>,
  ) {}

  list(): PoolDto[] {
    const known = this.serviceIds();
    return this.stored().map((pool) => ({ ...pool, serviceIds: pool.serviceIds.filter((id) => known.has(id)) }));
  }

  save(input: MethodArgs<'pools.save'>): PoolDto {
    const known = this.serviceIds();
    const unknown = input.serviceIds.find((id) => !known.has(id));
    if (unknown !== undefined) {
      throw new NotFoundError('A service of this pool no longer exists. Choose its services again.').withCode(
        'pool-service-gone',
      );
    }
    const serviceIds = [...new Set(input.serviceIds)];
    if (serviceIds.length < 2) {
      throw new ValidationError('A pool needs at least two different services.').withCode('pool-too-small');
    }
    const pools = this.stored();
    const name = input.name.trim();
    const taken = pools.find((pool) => pool.id !== input.id && pool.name.toLowerCase() === name.toLowerCase());
    if (taken) {
      throw new ValidationError(`There is already a pool named “${name}”.`).withCode('pool-name-taken', { name });
    }
    if (input.id !== undefined && !pools.some((pool) => pool.id === input.id)) {
      throw new NotFoundError('That pool no longer exists.').withCode('pool-gone');
    }
    if (input.id === undefined && pools.length >= MAX_POOLS) {
      throw new ValidationError(`At most ${MAX_POOLS} pools can be saved.`).withCode('pool-limit', { max: MAX_POOLS });
    }
    const pool: PoolDto = { id: input.id ?? randomUUID(), name, serviceIds };
    const next = input.id === undefined ? [...pools, pool] : pools.map((each) => (each.id === pool.id ? pool : each));
    this.write(next);
    return pool;
  }

  remove(id: string): void {
    const pools = this.stored();
    if (!pools.some((pool) => pool.id === id)) return;
    this.write(pools.filter((pool) => pool.id !== id));
  }

  /** What is stored; a damaged entry reads as no pools rather than failing Compose. */
  private stored(): PoolDto[] {
    const parsed = storedSchema.safeParse(this.store.get(KEY));
    return parsed.success ? parsed.data.pools : [];
  }

  private write(pools: PoolDto[]): void {
    this.store.set(KEY, { pools });
    this.events.emit('pools.changed', this.list());
  }
}
