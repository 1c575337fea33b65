// A service's estimated cost today and this month, and the recording of its running time from lifecycle reads.
// Storage is reached through UsageStore (the ledger's service_usage and jobs tables); the arithmetic is in
// cost-arithmetic.ts.

import type { CostSettings, Currency } from '../../preload/schemas/services';
import {
  batchCost,
  dayAndMonthWindows,
  jobCosts,
  observedUsage,
  serviceCost,
  usageFromInstances,
  type CostPrice,
  type JobSpan,
  type UsageSpan,
} from './cost-arithmetic';

export interface UsageStore {
  record(serviceId: string, spans: readonly UsageSpan[], source: 'lifecycle' | 'observed'): void;
  spans(serviceId: string, fromMs: number, toMs: number): (UsageSpan & { source: 'lifecycle' | 'observed' })[];
  jobTimes(serviceId: string, fromMs: number, toMs: number): (JobSpan & { batchId: string; images: number })[];
  batchWindow(batchId: string): { serviceId: string; fromMs: number; toMs: number } | undefined;
}

export interface ServiceCostFigures {
  serviceId: string;
  today: number;
  month: number;
  currency: Currency;
  /** lifecycle: instance time the control API reported; observed: the app's own send→result times (a lower bound). */
  source: 'lifecycle' | 'observed';
}

export function priceOf(cost: CostSettings): CostPrice {
  const queue = cost.queueInstanceBilled ? (cost.queuePricePerHour ?? cost.pricePerInstanceHour) : 0;
  return { perInstanceHour: cost.pricePerInstanceHour, queuePerHour: queue };
}

/** The usage a cost is computed from: lifecycle spans when the control API ever reported any, else observed. */
export function usageFor(store: UsageStore, serviceId: string, fromMs: number, toMs: number): ServiceUsage {
  const recorded = store.spans(serviceId, fromMs, toMs).filter((s) => s.source === 'lifecycle');
  if (recorded.length > 0) return { source: 'lifecycle', spans: recorded };
  return { source: 'observed', spans: observedUsage(store.jobTimes(serviceId, fromMs, toMs)) };
}

export interface ServiceUsage {
  source: 'lifecycle' | 'observed';
  spans: UsageSpan[];
}

export function serviceCostFigures(
  store: UsageStore,
  serviceId: string,
  cost: CostSettings,
  nowMs: number,
): ServiceCostFigures {
  const { day, month } = dayAndMonthWindows(nowMs);
  const usage = usageFor(store, serviceId, month[0], Math.min(month[1], nowMs));
  const price = priceOf(cost);
  return {
    serviceId,
    today: serviceCost(usage.spans, price, day[0], nowMs),
    month: serviceCost(usage.spans, price, month[0], nowMs),
    currency: cost.currency,
    source: usage.source,
  };
}

export interface InstanceReading {
  role: string;
  status: string;
  startedAt?: number;
}

/**
 * Turns successive lifecycle reads into stored usage. The first read of a service counts each running instance from
 * its start; later reads from the previous read. Reads that repeat time already stored (after a restart) overlap,
 * and overlaps count once (the arithmetic takes the largest instance count), so nothing is billed twice.
 */
export class UsageRecorder {
  private readonly lastRead = new Map<string, number>();
  constructor(private readonly store: UsageStore) {}

  recordRead(serviceId: string, instances: readonly InstanceReading[], readMs: number): void {
    // The queue instance is priced separately (CostSettings.queueInstanceBilled): count ComfyUI workers only.
    const starts = instances
      .filter((i) => i.status === 'Running' && i.role !== 'Queue')
      .map((i) => (i.startedAt !== undefined && Number.isFinite(i.startedAt) ? Math.min(i.startedAt, readMs) : readMs));
    const previous = this.lastRead.get(serviceId) ?? Math.min(readMs, ...starts);
    this.lastRead.set(serviceId, readMs);
    const spans = usageFromInstances(starts, previous, readMs);
    if (spans.length > 0) this.store.record(serviceId, spans, 'lifecycle');
  }
}

export interface BatchCostFigures {
  batchId: string;
  total: number;
  /** The batch's cost ÷ its images; null when it made none. */
  perImage: number | null;
  images: number;
  currency: Currency;
  source: 'lifecycle' | 'observed';
}

/**
 * A batch's share of its service's cost (cost-arithmetic.ts: every second is split among ALL the service's jobs out in
 * it, other batches' too), or undefined before any of its jobs finished. Computed when asked: one read of the usage
 * and the jobs over the batch's own time.
 */
export function batchCostFigures(
  store: UsageStore,
  batchId: string,
  costOf: (serviceId: string) => CostSettings | undefined,
): BatchCostFigures | undefined {
  const window = store.batchWindow(batchId);
  if (!window) return undefined;
  const cost = costOf(window.serviceId);
  if (!cost) return undefined;
  const usage = usageFor(store, window.serviceId, window.fromMs, window.toMs);
  const jobs = store.jobTimes(window.serviceId, window.fromMs, window.toMs);
  const costs = jobCosts(usage.spans, priceOf(cost), jobs);
  const mine = jobs.filter((j) => j.batchId === batchId);
  const total = batchCost(
    costs,
    mine.map((j) => j.jobId),
  );
  const images = mine.reduce((sum, j) => sum + j.images, 0);
  return {
    batchId,
    total,
    perImage: images > 0 ? total / images : null,
    images,
    currency: cost.currency,
    source: usage.source,
  };
}
