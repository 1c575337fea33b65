import { afterEach, describe, expect, it } from 'vitest';
import { batchCost, jobCosts, serviceCost } from '../../../main/cost/cost-arithmetic';
import { ledgerRig, result, type LedgerRig } from './ledger-rig';

let rig: LedgerRig | undefined;
afterEach(() => rig?.cleanup());

describe('service usage in the ledger', () => {
  it('stores spans per service, drops empty ones, and survives a reopen', () => {
    rig = ledgerRig();
    const t = rig.clock.time;
    rig.ledger.usage((u) =>
      u.record(
        'svc-a',
        [
          { fromMs: t, toMs: t + 10_000, instances: 2 },
          { fromMs: t + 10_000, toMs: t + 10_000, instances: 1 },
          { fromMs: t + 10_000, toMs: t + 20_000, instances: 0 },
        ],
        'lifecycle',
      ),
    );
    rig.ledger.usage((u) => u.record('svc-b', [{ fromMs: t, toMs: t + 5_000, instances: 1 }], 'observed'));
    const ledger = rig.reopen();
    expect(ledger.usage((u) => u.spans('svc-a', t - 1, t + 1))).toEqual([
      { fromMs: t, toMs: t + 10_000, instances: 2, source: 'lifecycle' },
    ]);
    expect(ledger.usage((u) => u.spans('svc-a', t + 10_000, t + 20_000))).toEqual([]);
    expect(ledger.usage((u) => u.spans('svc-b', 0, t * 2))).toHaveLength(1);
  });

  it("a finished job's send→result is read back and costs its share", () => {
    rig = ledgerRig();
    const { batchId, jobIds } = rig.queue(['a fox', 'a whale']);
    const t0 = rig.clock.time;
    for (const [i, id] of jobIds.entries()) rig.ledger.assignIdentity(id, `task-${i}`);
    rig.clock.time += 100_000;
    for (const [i] of jobIds.entries()) rig.ledger.recordResult('svc-a', result(`task-${i}`));
    const t1 = rig.clock.time;
    rig.ledger.usage((u) => u.record('svc-a', [{ fromMs: t0, toMs: t1 + 100_000, instances: 1 }], 'lifecycle'));

    const times = rig.ledger.usage((u) => u.jobTimes('svc-a', t0, t1 + 100_000));
    expect(times.map((j) => [j.jobId, j.batchId, j.sendMs, j.resultMs]).sort()).toEqual(
      jobIds.map((id) => [id, batchId, t0, t1]).sort(),
    );
    const price = { perInstanceHour: 36 }; // 0.01 per second
    const usage = rig.ledger.usage((u) => u.spans('svc-a', t0, t1 + 100_000));
    const costs = jobCosts(usage, price, times);
    expect(batchCost(costs, jobIds)).toBeCloseTo(1.0, 9); // 100 s of the 200 s; the rest was idle
    expect(serviceCost(usage, price, t0, t1 + 100_000)).toBeCloseTo(2.0, 9);
    expect(rig.ledger.usage((u) => u.jobTimes('svc-b', 0, t1 * 2))).toEqual([]);
  });
});
