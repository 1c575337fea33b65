// Saved pools: named sets of services a batch can target together (one batch spread over them by free capacity).
// A pool is a choice in Compose, not a resource of its own: a batch queued on it records its members in the ledger,
// so editing or deleting the pool later never changes a batch already queued.
import { z } from 'zod';
import { Empty, method } from './common';
import { MAX_POOL_MEMBERS } from './jobs';
import { ServiceIdSchema } from './services';

export const PoolIdSchema = z.string().uuid();

export const PoolSchema = z.object({
  id: PoolIdSchema,
  name: z.string(),
  /** Its services in the artist's order; a service deleted since is no longer listed. */
  serviceIds: z.array(ServiceIdSchema),
});
export type PoolDto = z.infer<typeof PoolSchema>;

export const poolMethods = {
  'pools.list': method(Empty, z.array(PoolSchema)),
  /** Creates a pool (no id) or replaces one; the name is unique regardless of case. */
  'pools.save': method(
    z
      .object({
        id: PoolIdSchema.optional(),
        name: z.string().trim().min(1).max(80),
        serviceIds: z.array(ServiceIdSchema).min(2).max(MAX_POOL_MEMBERS),
      })
      .strict(),
    PoolSchema,
  ),
  'pools.delete': method(z.object({ id: PoolIdSchema }).strict(), z.void()),
};

export const poolEvents = {
  'pools.changed': z.array(PoolSchema),
};
