// The saved pools Compose offers, kept current by `pools.changed`, and which one (if any) the batch goes to.
import { useCallback, useEffect, useState } from 'react';
import type { PoolDto } from '../../../preload/schemas/pools';
import { artlab } from '../../api/artlab';
import { composeSession } from './compose-draft';

export function usePools(onError: (cause: unknown) => void) {
  const [pools, setPools] = useState<PoolDto[]>([]);
  const [poolId, setPoolIdState] = useState<string | null>(composeSession.poolId);

  useEffect(() => {
    let cancelled = false;
    const off = artlab.on('pools.changed', setPools);
    artlab
      .call('pools.list')
      .then((list) => {
        if (!cancelled) setPools(list);
      })
      .catch(onError);
    return () => {
      cancelled = true;
      off();
    };
  }, [onError]);

  const selectPool = useCallback((id: string | null) => {
    composeSession.poolId = id;
    setPoolIdState(id);
  }, []);

  /** A pool deleted meanwhile is no longer chosen. */
  const pool = pools.find((candidate) => candidate.id === poolId);
  return { pools, pool, selectPool };
}
