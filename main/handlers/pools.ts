// pools.*: the saved pools Compose offers beside the services (services/saved-pools.ts).
import type { ContractHandlers } from '../../preload/contract';
import type { poolMethods } from '../../preload/schemas/pools';
import type { SavedPools } from '../services/saved-pools';
import { answer } from './answer';

export type PoolHandlers = Pick<ContractHandlers, keyof typeof poolMethods>;

export function poolHandlers(pools: SavedPools): PoolHandlers {
  return {
    'pools.list': () => answer(() => pools.list()),
    'pools.save': (input) => answer(() => pools.save(input)),
    'pools.delete': ({ id }) => answer(() => pools.remove(id)),
  };
}
