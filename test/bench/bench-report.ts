// What every benchmark prints: one JSON line per measurement (name, unit, samples, median, p95, target, pass), and
// the machine, versions and simulator settings once in the summary, so a line in BENCHMARKS.md can be traced back.
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Target {
  /** `max`: the median (or the named statistic) must be at most `value`; `min`: at least. */
  kind: 'max' | 'min';
  value: number;
  /** Which statistic the target is about. */
  on: 'median' | 'p95' | 'p99' | 'value';
}

export interface BenchResult {
  name: string;
  unit: string;
  samples: number;
  median: number;
  p95: number;
  p99?: number;
  target: Target | null;
  pass: boolean | null;
  /** Anything else worth reading beside the numbers (settings, counts, what limits it). */
  notes?: Record<string, unknown>;
}

/** Nearest-rank percentile of `values` (0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

/** A result from raw samples; `target` is checked against the statistic it names. */
export function summarize(
  name: string,
  unit: string,
  values: readonly number[],
  target: Target | null,
  notes?: Record<string, unknown>,
): BenchResult {
  const median = round(percentile(values, 50));
  const p95 = round(percentile(values, 95));
  const p99 = round(percentile(values, 99));
  const stat = target?.on === 'p95' ? p95 : target?.on === 'p99' ? p99 : median;
  const pass = target === null ? null : target.kind === 'max' ? stat <= target.value : stat >= target.value;
  return { name, unit, samples: values.length, median, p95, p99, target, pass, ...(notes ? { notes } : {}) };
}

/** Times `work` `repeat` times (after `warmup` untimed runs), in milliseconds. */
export function timeSync(work: () => unknown, repeat: number, warmup = 3): number[] {
  for (let i = 0; i < warmup; i++) work();
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }
  return samples;
}

export function machine(): Record<string, unknown> {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryMB: Math.round(totalmem() / 2 ** 20),
    freeMemoryMB: Math.round(freemem() / 2 ** 20),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    // Other work on the machine skews every number: the 1, 5 and 15-minute load when the run ended.
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

const VERSIONED = ['better-sqlite3', 'undici', 'ws', 'zod', 'sharp', 'ali-oss', '@playwright/test', 'typescript'];

/** Installed versions (from node_modules, not the ranges in package.json). */
export function packageVersions(root: string): Record<string, string> {
  const versions: Record<string, string> = {};
  const read = (file: string): string => {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'version' in parsed ? String(parsed.version) : '?';
  };
  versions['artlab-desktop'] = read(join(root, 'package.json'));
  for (const name of VERSIONED) {
    try {
      versions[name] = read(join(root, 'node_modules', name, 'package.json'));
    } catch {
      versions[name] = 'not installed';
    }
  }
  return versions;
}
