// Cost figures from the real ledger: lifecycle reads recorded as usage, observed usage when there are none.
import { afterEach, describe, expect, it } from 'vitest';
import { serviceCostFigures, UsageRecorder, type UsageStore } from '../../../main/cost/service-cost';
import { ledgerRig, result, type LedgerRig } from '../ledger/ledger-rig';

let rig: LedgerRig | undefined;
afterEach(() => rig?.cleanup());

function store(r: LedgerRig): UsageStore {
  return {
    record: (id, spans, source) => r.ledger.usage((u) => u.record(id, spans, source)),
    spans: (id, from, to) => r.ledger.usage((u) => u.spans(id, from, to)),
    jobTimes: (id, from, to) => r.ledger.usage((u) => u.jobTimes(id, from, to)),
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
});
