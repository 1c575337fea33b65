// Placeholder replaced below.
import type { BenchResult } from './bench-report';
export function rendererBench(_options: { jobs: number; images: number; quick: boolean }): Promise<BenchResult[]> {
  return Promise.resolve([]);
}
