// Cost figures from the real ledger: lifecycle reads recorded as usage, observed usage when there are none.
import { afterEach, describe, expect, it } from 'vitest';
import { batchCostFigures, serviceCostFigures, UsageRecorder, type UsageStore } from '../../../main/cost/service-cost';
import { ledgerRig, result, type LedgerRig } from '../ledger/ledger-rig';

let rig: LedgerRig | undefined;
afterEach(() => rig?.cleanup());

function store(r: LedgerRig): UsageStore {
  return {
    record: (id, spans, source) => r.ledger.usage((u) => u.record(id, spans, source)),
    spans: (id, from, to) => r.ledger.usage((u) => u.spans(id, from, to)),
    jobTimes: (id, from, to) => r.ledger.usage((u) => u.jobTimes(id, from, to)),
    batchWindow: (id) => r.ledger.usage((u) => u.batchWindow(id)),
  };
}
const COST = { pricePerInstanceHour: 36, currency: 'CNY' as const, queueInstanceBilled: false }; // 0.01/s

describe('service cost figures', () => {
  it('lifecycle reads: two workers for 100 s, the queue instance not counted, a repeated read not billed twice', () => {
    rig = ledgerRig();
    const now = new Date(2026, 5, 10, 12, 0).getTime();
    const recorder = new UsageRecorder(store(rig));
    const workers = [
      { role: 'Standard', status: 'Running', startedAt: now - 100_000 },
      { role: 'Standard', status: 'Running', startedAt: now - 50_000 },
      { role: 'Queue', status: 'Running', startedAt: now - 100_000 },
    ];
    recorder.recordRead('svc-a', workers, now);
    // After a restart, the first read counts from the starts again: the overlap counts once.
    new UsageRecorder(store(rig)).recordRead('svc-a', workers, now);
    const figures = serviceCostFigures(store(rig), 'svc-a', COST, now);
    // 100 s × 1 + 50 s × 1 more = 150 instance-seconds × 0.01
    expect(figures).toMatchObject({ source: 'lifecycle', currency: 'CNY' });
    expect(figures.today).toBeCloseTo(1.5, 9);
    expect(figures.month).toBeCloseTo(1.5, 9);
    const billedQueue = serviceCostFigures(store(rig), 'svc-a', { ...COST, queueInstanceBilled: true }, now);
    expect(billedQueue.today).toBeCloseTo(1.5 + 100 * 0.01, 9); // the queue at the instance price while running
  });

  it('without lifecycle data the finished jobs give a lower bound', () => {
    rig = ledgerRig();
    rig.clock.time = new Date(2026, 5, 10, 12, 0).getTime();
    const { jobIds } = rig.queue(['a fox', 'a whale']);
    for (const [i, id] of jobIds.entries()) rig.ledger.assignIdentity(id, `task-${i}`);
    rig.clock.time += 20_000;
    for (const [i] of jobIds.entries()) rig.ledger.recordResult('svc-a', result(`task-${i}`));
    const figures = serviceCostFigures(store(rig), 'svc-a', COST, rig.clock.time + 1_000);
    expect(figures.source).toBe('observed');
    expect(figures.today).toBeCloseTo(0.2, 9); // one instance for the 20 s the two jobs were out
  });

  it("a batch shares seconds with another batch's jobs; idle time is no batch's", () => {
    rig = ledgerRig();
    const t0 = rig.clock.time;
    const mine = rig.queue(['a fox', 'a whale']);
    const theirs = rig.queue(['an owl']);
    rig.ledger.assignIdentity(mine.jobIds[0] ?? '', 'm0');
    rig.ledger.assignIdentity(theirs.jobIds[0] ?? '', 't0');
    rig.clock.time += 10_000; // 10 s: one of mine and one of theirs out together
    rig.ledger.recordResult('svc-a', result('m0'));
    rig.ledger.recordResult('svc-a', result('t0'));
    rig.ledger.assignIdentity(mine.jobIds[1] ?? '', 'm1');
    rig.clock.time += 10_000; // 10 s: only mine
    rig.ledger.recordResult('svc-a', result('m1'));
    rig.ledger.usage((u) => u.record('svc-a', [{ fromMs: t0, toMs: t0 + 60_000, instances: 1 }], 'lifecycle'));
    const costOf = (id: string) => (id === 'svc-a' ? COST : undefined);
    const figures = batchCostFigures(store(rig), mine.batchId, costOf);
    expect(figures).toMatchObject({ batchId: mine.batchId, images: 2, currency: 'CNY', source: 'lifecycle' });
    expect(figures?.total).toBeCloseTo((10 * 0.01) / 2 + 10 * 0.01, 9);
    expect(figures?.perImage).toBeCloseTo(((10 * 0.01) / 2 + 10 * 0.01) / 2, 9);
    expect(batchCostFigures(store(rig), theirs.batchId, costOf)?.total).toBeCloseTo((10 * 0.01) / 2, 9);
    expect(batchCostFigures(store(rig), mine.batchId, () => undefined)).toBeUndefined();
    expect(batchCostFigures(store(rig), 'no-such-batch', costOf)).toBeUndefined();
  });
});
