// A pool batch's members as the Queue shows and steers them: each service's jobs in hand, done and failed, its
// recent throughput, its state; drain (finish what it accepted, take nothing new) and resume.
import { z } from 'zod';
import { method } from './common';
import { BatchMemberSchema, JobDtoSchema } from './jobs';
import { ServiceIdSchema } from './services';

const BatchIdSchema = z.string().min(1).max(100);

export const MemberViewSchema = BatchMemberSchema.extend({
  /** Sent and not finished (submitting, queued, running). */
  running: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  /** Succeeded jobs per minute over the last five minutes (or since the batch began, when younger). */
  perMinute: z.number(),
});
export type MemberViewDto = z.infer<typeof MemberViewSchema>;

export const poolMemberMethods = {
  /** The members of a pool batch with their figures; empty for a batch sent to one service. */
  'batches.members': method(z.object({ batchId: BatchIdSchema }), z.array(MemberViewSchema)),
  /** Drains a member (it finishes what it accepted and takes nothing new) or makes it active again. */
  'batches.setMember': method(
    z.object({ batchId: BatchIdSchema, serviceId: ServiceIdSchema, state: z.enum(['active', 'drained']) }),
    z.array(MemberViewSchema),
  ),
  /**
   * Adds a service to a batch that has not finished (a batch sent to one service becomes a pool of both; its jobs
   * not sent yet are shared). The service is checked as for a new pool; one whose GPU is stopped is refused
   * (`batch-service-stopped`) unless `startService`: it is started and joins once it answers.
   */
  'batches.addMember': method(
    z.object({ batchId: BatchIdSchema, serviceId: ServiceIdSchema, startService: z.boolean().optional() }),
    z.array(MemberViewSchema),
  ),
  /** Sends a job not sent yet to one service of its pool (null: whichever has room first). */
  'jobs.pin': method(
    z.object({ jobId: z.string().min(1).max(100), serviceId: ServiceIdSchema.nullable() }),
    JobDtoSchema,
  ),
};
