// The GPU behind a service, through the EAS control API: what it is doing, and starting, stopping and scaling it.
// Only for a service whose control settings are complete (ServiceDto.control.configured).
import { z } from 'zod';
import { method } from './common';
import { CurrencySchema, ServiceIdSchema } from './services';

export const ServiceInstanceSchema = z.object({
  name: z.string(),
  status: z.string(),
  /** Queue: the API edition's queue service; Standard: a ComfyUI worker. */
  role: z.string(),
  instanceType: z.string().optional(),
  /** When it started (ms since the epoch), as EAS reports it. */
  startedAt: z.number().optional(),
});

export const ServiceLifecycleSchema = z.object({
  serviceId: z.string(),
  /** As EAS spells it: Running, Waiting, Scaling, Stopping, Stopped, Failed, … */
  status: z.string(),
  /** Running, Stopped, Failed or DeleteFailed: nothing is on its way. */
  settled: z.boolean(),
  /** EAS's own words on the state (a failure's reason): service-reported detail. */
  reason: z.string().optional(),
  message: z.string().optional(),
  running: z.number().int(),
  pending: z.number().int(),
  total: z.number().int(),
  /** Workers and the queue instance, at most the first page (100). */
  instances: z.array(ServiceInstanceSchema).max(1000),
  /** Jobs of this service sent and not finished: what a stop would interrupt. */
  jobsInFlight: z.number().int(),
  readAt: z.number(),
});
export type ServiceLifecycleDto = z.infer<typeof ServiceLifecycleSchema>;

/** What the GPU behind a service cost so far, from the price the artist entered. Always an estimate. */
export const ServiceCostSchema = z.object({
  serviceId: z.string(),
  /** Since local midnight, and since the 1st of this month, in `currency`. */
  today: z.number(),
  month: z.number(),
  currency: CurrencySchema,
  estimate: z.literal(true),
  /** lifecycle: instance time the control API reported; observed: the app's own send→result times (a lower bound). */
  source: z.enum(['lifecycle', 'observed']),
});
export type ServiceCostDto = z.infer<typeof ServiceCostSchema>;

/** A batch's share of its service's cost (each second split among the jobs out in it). Always an estimate. */
export const BatchCostSchema = z.object({
  batchId: z.string(),
  total: z.number(),
  /** total ÷ images; null when the batch made none. */
  perImage: z.number().nullable(),
  images: z.number().int(),
  currency: CurrencySchema,
  estimate: z.literal(true),
  source: z.enum(['lifecycle', 'observed']),
});
export type BatchCostDto = z.infer<typeof BatchCostSchema>;

const Target = z.object({ serviceId: ServiceIdSchema });
/** `force`: the artist confirmed stopping (or scaling to zero) with jobs in flight. */
const Forceable = Target.extend({ force: z.boolean().optional() });

export const lifecycleMethods = {
  /** Reads the service's state and instances from EAS now. */
  'services.lifecycle': method(Target, ServiceLifecycleSchema),
  'services.start': method(Target, ServiceLifecycleSchema),
  /** Refused while jobs are in flight, unless `force`. */
  'services.stop': method(Forceable, ServiceLifecycleSchema),
  /** Sets the number of ComfyUI instances; 0 is refused while jobs are in flight, unless `force`. */
  'services.scale': method(Forceable.extend({ instances: z.number().int().min(0).max(100) }), ServiceLifecycleSchema),
  /** The estimated cost today and this month; null when the service has no price set. Computed on demand. */
  'services.cost': method(Target, ServiceCostSchema.nullable()),
  /** Null when no job of the batch finished yet or its service has no price. Computed on demand, not per row. */
  'batches.cost': method(z.object({ batchId: z.string().min(1).max(100) }), BatchCostSchema.nullable()),
  /** Auto-stop's warning came: keep the service running, and start its idle wait again. */
  'services.keepRunning': method(Target, z.void()),
};

/** Auto-stop (lifecycle/auto-stop.ts): a stop is near, was done, failed, or no longer comes. */
export const AutoStopNoticeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('warning'),
    serviceId: z.string(),
    name: z.string(),
    stopAt: z.number(),
    idleMinutes: z.number(),
  }),
  z.object({ kind: z.literal('stopped'), serviceId: z.string(), name: z.string(), idleMinutes: z.number() }),
  z.object({ kind: z.literal('failed'), serviceId: z.string(), name: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('cancelled'), serviceId: z.string() }),
]);
export type AutoStopNoticeDto = z.infer<typeof AutoStopNoticeSchema>;

export const lifecycleEvents = {
  'services.autoStop': AutoStopNoticeSchema,
};
