// What the GPU behind a service costs, as pure arithmetic over two kinds of spans. Every figure is an estimate: the
// price is what the artist typed in, and the running time is what the app saw (see usage spans below).
//
// Definitions (all times in epoch ms, spans half-open [fromMs, toMs)):
// - A usage span says `instances` instances of one service were running over it. Spans of one service may overlap
//   when two sources described the same time (a lifecycle sample and an observation); they describe one service,
//   so over an overlap the LARGEST instance count holds — never the sum.
// - The service's cost rate at a moment t is (instances(t) × pricePerInstanceHour + queue(t)) / 3600 per second,
//   where queue(t) is the queue instance's hourly price when it is billed and instances(t) > 0, else 0. (The API
//   edition's queue instance runs beside the service; we count it only while the service itself is counted running,
//   since the app sees nothing of it otherwise.)
// - Service cost in a window = ∫ rate(t) dt over the window.
// - A job is active over [sendMs, resultMs). Each second of service cost is shared EQUALLY among the jobs active in
//   that second. A second with no active job is idle: it belongs to the service's cost but to no job and no batch.
// - A batch's cost = Σ of its jobs' costs. Per image = the job's cost ÷ the job's images (none when it has no image).

export interface UsageSpan {
  fromMs: number;
  toMs: number;
  instances: number;
}

export interface CostPrice {
  /** Price of one instance for one hour, in `currency`. */
  perInstanceHour: number;
  /** Hourly price of the API edition's queue instance when it is billed too; absent or 0 when it is not. */
  queuePerHour?: number;
}

export interface JobSpan {
  jobId: string;
  sendMs: number;
  resultMs: number;
}

interface Segment {
  fromMs: number;
  toMs: number;
  /** Cost per millisecond over the segment. */
  ratePerMs: number;
}

/** Neighbouring pairs of a sorted list of edges: [e0,e1], [e1,e2], … */
function pairs(edges: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  edges.forEach((e, i) => {
    if (i > 0) out.push([edges[i - 1] ?? e, e]);
  });
  return out;
}

function validSpan(from: number, to: number): boolean {
  return Number.isFinite(from) && Number.isFinite(to) && to > from;
}

/** Cuts the timeline at every span edge and gives each piece its cost rate (largest instance count over overlaps). */
function rateSegments(usage: readonly UsageSpan[], price: CostPrice): Segment[] {
  const spans = usage.filter((u) => validSpan(u.fromMs, u.toMs) && u.instances > 0);
  const edges = [...new Set(spans.flatMap((u) => [u.fromMs, u.toMs]))].sort((a, b) => a - b);
  const queue = price.queuePerHour && price.queuePerHour > 0 ? price.queuePerHour : 0;
  const segments: Segment[] = [];
  for (const [fromMs, toMs] of pairs(edges)) {
    let instances = 0;
    for (const u of spans) if (u.fromMs <= fromMs && u.toMs >= toMs) instances = Math.max(instances, u.instances);
    if (instances === 0) continue;
    segments.push({ fromMs, toMs, ratePerMs: (instances * price.perInstanceHour + queue) / 3_600_000 });
  }
  return segments;
}

/** Instance-seconds of usage inside [fromMs, toMs) (largest count over overlaps). */
export function instanceSeconds(usage: readonly UsageSpan[], fromMs: number, toMs: number): number {
  return serviceCost(usage, { perInstanceHour: 3600 }, fromMs, toMs);
}

/** Cost of the service inside the window [fromMs, toMs). */
export function serviceCost(usage: readonly UsageSpan[], price: CostPrice, fromMs: number, toMs: number): number {
  let total = 0;
  for (const s of rateSegments(usage, price)) {
    const a = Math.max(s.fromMs, fromMs);
    const b = Math.min(s.toMs, toMs);
    if (b > a) total += (b - a) * s.ratePerMs;
  }
  return total;
}

/**
 * Each job's share of the service's cost (see the definitions above). `jobs` must be ALL the jobs that ran on the
 * service over the usage's time, not only one batch's: a second shared with another batch's job is split with it.
 * Jobs with no valid span (never sent, or no result yet) get 0.
 */
export function jobCosts(usage: readonly UsageSpan[], price: CostPrice, jobs: readonly JobSpan[]): Map<string, number> {
  const costs = new Map<string, number>();
  const active = jobs.filter((j) => validSpan(j.sendMs, j.resultMs));
  for (const j of jobs) costs.set(j.jobId, 0);
  const jobEdges = active.flatMap((j) => [j.sendMs, j.resultMs]);
  for (const seg of rateSegments(usage, price)) {
    // Cut the rate segment further at every job edge inside it, so the set of active jobs is constant per piece.
    const cuts = [...new Set([seg.fromMs, seg.toMs, ...jobEdges.filter((e) => e > seg.fromMs && e < seg.toMs)])];
    cuts.sort((a, b) => a - b);
    for (const [a, b] of pairs(cuts)) {
      const running = active.filter((j) => j.sendMs <= a && j.resultMs >= b);
      if (running.length === 0) continue; // idle: belongs to no job
      const share = ((b - a) * seg.ratePerMs) / running.length;
      for (const j of running) costs.set(j.jobId, (costs.get(j.jobId) ?? 0) + share);
    }
  }
  return costs;
}

/** A batch's cost: the sum of its jobs' shares (computed with every job of the service, see jobCosts). */
export function batchCost(costs: ReadonlyMap<string, number>, batchJobIds: readonly string[]): number {
  return batchJobIds.reduce((sum, id) => sum + (costs.get(id) ?? 0), 0);
}

/** Cost per image of a job, or null when the job made no image. */
export function perImageCost(jobCost: number, images: number): number | null {
  return images > 0 ? jobCost / images : null;
}

/**
 * Without the control API the app only knows when it had work on the service: one instance counted from each job's
 * send to its result, overlapping jobs merged. This is a LOWER bound — a service also runs (and bills) while idle.
 */
export function observedUsage(jobs: readonly JobSpan[]): UsageSpan[] {
  const spans = jobs.filter((j) => validSpan(j.sendMs, j.resultMs)).sort((a, b) => a.sendMs - b.sendMs);
  const merged: UsageSpan[] = [];
  for (const j of spans) {
    const last = merged.at(-1);
    if (last && j.sendMs <= last.toMs) last.toMs = Math.max(last.toMs, j.resultMs);
    else merged.push({ fromMs: j.sendMs, toMs: j.resultMs, instances: 1 });
  }
  return merged;
}

/** The local day and month that contain `nowMs`, as [from, to) windows (the artist's clock, not UTC). */
export function dayAndMonthWindows(nowMs: number): { day: [number, number]; month: [number, number] } {
  const now = new Date(nowMs);
  const y = now.getFullYear();
  const m = now.getMonth();
  const d = now.getDate();
  return {
    day: [new Date(y, m, d).getTime(), new Date(y, m, d + 1).getTime()],
    month: [new Date(y, m, 1).getTime(), new Date(y, m + 1, 1).getTime()],
  };
}

/**
 * Usage between two lifecycle reads: the instances running at the later read, each counted from the later of its
 * start and the earlier read. (An instance that started and stopped between two reads is not seen: reads happen
 * every page refresh and while a batch runs, so the gap is short.) Gives a step function, one span per count.
 */
export function usageFromInstances(startedMs: readonly number[], previousReadMs: number, readMs: number): UsageSpan[] {
  if (!validSpan(previousReadMs, readMs)) return [];
  const starts = startedMs.map((s) => (Number.isFinite(s) ? Math.max(s, previousReadMs) : previousReadMs));
  const edges = [...new Set([previousReadMs, readMs, ...starts.filter((s) => s < readMs)])].sort((a, b) => a - b);
  const spans: UsageSpan[] = [];
  for (const [fromMs, toMs] of pairs(edges)) {
    const instances = starts.filter((s) => s <= fromMs).length;
    if (instances > 0) spans.push({ fromMs, toMs, instances });
  }
  return spans;
}
