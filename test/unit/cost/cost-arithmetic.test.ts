import { describe, expect, it } from 'vitest';
import {
  batchCost,
  dayAndMonthWindows,
  instanceSeconds,
  jobCosts,
  observedUsage,
  perImageCost,
  serviceCost,
  usageFromInstances,
  type JobSpan,
} from '../../../main/cost/cost-arithmetic';

const S = 1000;
// 7.2 per instance-hour = 0.002 per instance-second: easy exact figures.
const PRICE = { perInstanceHour: 7.2 };

describe('cost arithmetic', () => {
  it('a batch of 10 jobs over 2 instances with a known price gives the expected figures', () => {
    // Two instances run for 1000 s. Five jobs of 100 s each run back to back on each instance (0–500 s), then the
    // service sits idle for 500 s.
    const usage = [{ fromMs: 0, toMs: 1000 * S, instances: 2 }];
    const jobs: JobSpan[] = [];
    for (let slot = 0; slot < 2; slot++) {
      for (let k = 0; k < 5; k++)
        jobs.push({ jobId: `j${slot * 5 + k}`, sendMs: k * 100 * S, resultMs: (k + 1) * 100 * S });
    }
    expect(instanceSeconds(usage, 0, 1000 * S)).toBeCloseTo(2000, 9);
    expect(serviceCost(usage, PRICE, 0, 1000 * S)).toBeCloseTo(4.0, 9); // 2000 instance-s × 0.002
    const costs = jobCosts(usage, PRICE, jobs);
    // Each second costs 0.004 and is shared by the 2 running jobs: 100 s × 0.002 = 0.2 per job.
    for (const j of jobs) expect(costs.get(j.jobId)).toBeCloseTo(0.2, 9);
    const batch = batchCost(
      costs,
      jobs.map((j) => j.jobId),
    );
    expect(batch).toBeCloseTo(2.0, 9); // the other 2.0 is idle time: the service's, no batch's
    expect(perImageCost(costs.get('j0') ?? Number.NaN, 4)).toBeCloseTo(0.05, 9);
  });

  it('idle time belongs to no job, and a second is split among the jobs running in it', () => {
    const usage = [{ fromMs: 0, toMs: 100 * S, instances: 1 }];
    // a: 0–60 s, b: 30–60 s, nothing 60–100 s.
    const costs = jobCosts(usage, PRICE, [
      { jobId: 'a', sendMs: 0, resultMs: 60 * S },
      { jobId: 'b', sendMs: 30 * S, resultMs: 60 * S },
    ]);
    expect(costs.get('a')).toBeCloseTo(30 * 0.002 + (30 * 0.002) / 2, 9);
    expect(costs.get('b')).toBeCloseTo((30 * 0.002) / 2, 9);
    expect(serviceCost(usage, PRICE, 0, 100 * S)).toBeCloseTo(0.2, 9);
  });

  it('a job split with another batch shares the cost with it', () => {
    const usage = [{ fromMs: 0, toMs: 10 * S, instances: 1 }];
    const costs = jobCosts(usage, PRICE, [
      { jobId: 'mine', sendMs: 0, resultMs: 10 * S },
      { jobId: 'theirs', sendMs: 0, resultMs: 10 * S },
    ]);
    expect(batchCost(costs, ['mine'])).toBeCloseTo(0.01, 9);
  });

  it('job time outside any usage costs nothing; unfinished jobs cost nothing', () => {
    const usage = [{ fromMs: 10 * S, toMs: 20 * S, instances: 1 }];
    const costs = jobCosts(usage, PRICE, [
      { jobId: 'early', sendMs: 0, resultMs: 15 * S },
      { jobId: 'open', sendMs: 12 * S, resultMs: Number.NaN },
    ]);
    expect(costs.get('early')).toBeCloseTo(5 * 0.002, 9);
    expect(costs.get('open')).toBe(0);
  });

  it('overlapping samples of one service take the largest instance count, never the sum', () => {
    const usage = [
      { fromMs: 0, toMs: 10 * S, instances: 2 },
      { fromMs: 5 * S, toMs: 15 * S, instances: 1 },
    ];
    expect(instanceSeconds(usage, 0, 100 * S)).toBeCloseTo(10 * 2 + 5 * 1, 9);
  });

  it('the queue instance is billed only while the service is counted running', () => {
    const usage = [{ fromMs: 0, toMs: 3600 * S, instances: 2 }];
    expect(serviceCost(usage, { perInstanceHour: 10, queuePerHour: 1.5 }, 0, 7200 * S)).toBeCloseTo(21.5, 9);
    expect(serviceCost(usage, { perInstanceHour: 10, queuePerHour: 0 }, 0, 7200 * S)).toBeCloseTo(20, 9);
  });

  it('a window clips the usage', () => {
    const usage = [{ fromMs: 0, toMs: 100 * S, instances: 3 }];
    expect(instanceSeconds(usage, 90 * S, 200 * S)).toBeCloseTo(30, 9);
    expect(instanceSeconds(usage, 100 * S, 200 * S)).toBe(0);
  });

  it('per image: none when the job made no image', () => {
    expect(perImageCost(1, 0)).toBeNull();
  });

  it('observed usage merges overlapping jobs into one instance (a lower bound)', () => {
    expect(
      observedUsage([
        { jobId: 'b', sendMs: 5 * S, resultMs: 12 * S },
        { jobId: 'a', sendMs: 0, resultMs: 10 * S },
        { jobId: 'c', sendMs: 20 * S, resultMs: 25 * S },
        { jobId: 'd', sendMs: 30 * S, resultMs: Number.NaN },
      ]),
    ).toEqual([
      { fromMs: 0, toMs: 12 * S, instances: 1 },
      { fromMs: 20 * S, toMs: 25 * S, instances: 1 },
    ]);
  });

  it('usage between two reads counts each instance from its start or the earlier read', () => {
    // One instance up since long before the previous read, one started halfway.
    expect(usageFromInstances([-50 * S, 5 * S], 0, 10 * S)).toEqual([
      { fromMs: 0, toMs: 5 * S, instances: 1 },
      { fromMs: 5 * S, toMs: 10 * S, instances: 2 },
    ]);
    expect(usageFromInstances([], 0, 10 * S)).toEqual([]);
    expect(usageFromInstances([0], 10 * S, 10 * S)).toEqual([]);
  });

  it('today and this month are the local calendar day and month', () => {
    const now = new Date(2026, 1, 14, 15, 30).getTime();
    const { day, month } = dayAndMonthWindows(now);
    expect(day).toEqual([new Date(2026, 1, 14).getTime(), new Date(2026, 1, 15).getTime()]);
    expect(month).toEqual([new Date(2026, 1, 1).getTime(), new Date(2026, 2, 1).getTime()]);
  });
});
