// The EAS control API's replies (reference/eas-control.md §2), parsed at the boundary into our camelCase types. Wire
// keys are PascalCase; fields we do not use are dropped, fields we use are checked, and every list is bounded.
import { z } from 'zod';

const text = (max = 4096) => z.string().max(max);
const count = z.number().int().min(0).max(100_000);

export const ServiceStatusSchema = z.object({
  RequestId: text(200).optional(),
  ServiceName: text(256),
  Region: text(64).optional(),
  Status: text(64),
  Reason: text().optional(),
  Message: text().optional(),
  RunningInstance: count.optional(),
  PendingInstance: count.optional(),
  TotalInstance: count.optional(),
  InternetEndpoint: text().optional(),
  CreateTime: text(64).optional(),
  UpdateTime: text(64).optional(),
  SafetyLock: text(64).optional(),
});

export interface EasServiceStatus {
  serviceName: string;
  region?: string;
  /** Running, Waiting, Scaling, Stopping, Stopped, Failed, … (reference §3); kept as EAS spells it. */
  status: string;
  reason?: string;
  message?: string;
  runningInstances: number;
  pendingInstances: number;
  totalInstances: number;
  internetEndpoint?: string;
  createTime?: string;
  updateTime?: string;
  safetyLock?: string;
}

export function toServiceStatus(wire: z.infer<typeof ServiceStatusSchema>): EasServiceStatus {
  return {
    serviceName: wire.ServiceName,
    ...(wire.Region !== undefined ? { region: wire.Region } : {}),
    status: wire.Status,
    ...(wire.Reason !== undefined ? { reason: wire.Reason } : {}),
    ...(wire.Message !== undefined ? { message: wire.Message } : {}),
    runningInstances: wire.RunningInstance ?? 0,
    pendingInstances: wire.PendingInstance ?? 0,
    totalInstances: wire.TotalInstance ?? 0,
    ...(wire.InternetEndpoint !== undefined ? { internetEndpoint: wire.InternetEndpoint } : {}),
    ...(wire.CreateTime !== undefined ? { createTime: wire.CreateTime } : {}),
    ...(wire.UpdateTime !== undefined ? { updateTime: wire.UpdateTime } : {}),
    ...(wire.SafetyLock !== undefined ? { safetyLock: wire.SafetyLock } : {}),
  };
}

/** Settled states (PAI's completed_status, reference §3): anything else is on its way somewhere. */
export const SETTLED_STATUSES: readonly string[] = ['Running', 'Stopped', 'Failed', 'DeleteFailed'];

export const InstanceListSchema = z.object({
  RequestId: text(200).optional(),
  TotalCount: count.optional(),
  Instances: z
    .array(
      z.object({
        InstanceName: text(256),
        Status: text(64),
        Reason: text().optional(),
        Role: text(64).optional(),
        InstanceType: text(128).optional(),
        CreateTime: text(64).optional(),
        StartTime: text(64).optional(),
        IsSpot: z.boolean().optional(),
        CurrentAmount: z.number().optional(),
        OriginalAmount: z.number().optional(),
      }),
    )
    .max(1000)
    .default([]),
});

export interface EasInstance {
  name: string;
  status: string;
  reason?: string;
  /** Queue (the API edition's queue service), DataLoader or Standard (a worker); absent = Standard. */
  role: string;
  instanceType?: string;
  createTime?: string;
  startTime?: string;
  isSpot: boolean;
  /** Spot instances only: the current and the list hourly price. */
  currentAmount?: number;
  originalAmount?: number;
}

export interface EasInstanceList {
  totalCount: number;
  instances: EasInstance[];
}

export function toInstanceList(wire: z.infer<typeof InstanceListSchema>): EasInstanceList {
  return {
    totalCount: wire.TotalCount ?? wire.Instances.length,
    instances: wire.Instances.map((i) => ({
      name: i.InstanceName,
      status: i.Status,
      ...(i.Reason !== undefined ? { reason: i.Reason } : {}),
      role: i.Role ?? 'Standard',
      ...(i.InstanceType !== undefined ? { instanceType: i.InstanceType } : {}),
      ...(i.CreateTime !== undefined ? { createTime: i.CreateTime } : {}),
      ...(i.StartTime !== undefined ? { startTime: i.StartTime } : {}),
      isSpot: i.IsSpot ?? false,
      ...(i.CurrentAmount !== undefined ? { currentAmount: i.CurrentAmount } : {}),
      ...(i.OriginalAmount !== undefined ? { originalAmount: i.OriginalAmount } : {}),
    })),
  };
}

export const ActionReplySchema = z.object({ RequestId: text(200).optional(), Message: text().optional() });

export interface EasActionReply {
  requestId?: string;
  message?: string;
}

export function toActionReply(wire: z.infer<typeof ActionReplySchema>): EasActionReply {
  return {
    ...(wire.RequestId !== undefined ? { requestId: wire.RequestId } : {}),
    ...(wire.Message !== undefined ? { message: wire.Message } : {}),
  };
}

export const EventListSchema = z.object({
  RequestId: text(200).optional(),
  TotalCount: count.optional(),
  TotalPageNum: count.optional(),
  Events: z
    .array(
      z.object({
        Time: text(64),
        Type: text(32),
        Reason: text(256).optional(),
        Message: text(8192).optional(),
        Resource: text(64).optional(),
      }),
    )
    .max(1000)
    .default([]),
});

export interface EasServiceEvent {
  time: string;
  type: string;
  reason?: string;
  /** Often JSON text itself (`{"message": …, "availableInstance": …}`); left as EAS sent it. */
  message?: string;
  resource?: string;
}

export function toEventList(wire: z.infer<typeof EventListSchema>): { totalCount: number; events: EasServiceEvent[] } {
  return {
    totalCount: wire.TotalCount ?? wire.Events.length,
    events: wire.Events.map((e) => ({
      time: e.Time,
      type: e.Type,
      ...(e.Reason !== undefined ? { reason: e.Reason } : {}),
      ...(e.Message !== undefined ? { message: e.Message } : {}),
      ...(e.Resource !== undefined ? { resource: e.Resource } : {}),
    })),
  };
}
