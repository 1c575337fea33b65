// An API-edition member of a pool takes work by its workers: its input queue reports four consumers, so it holds up to
// two jobs per worker (eight), not its own limit of four requests in flight, and so takes most of the batch beside an
// Exclusive service that holds two. Each job is still accepted exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { starterWorkflow } from '../../main/comfy/starter';
import { queueBatch } from '../../main/batches/batch-queueing';
import type { Scheduler } from '../../main/dispatch/scheduler';
import { DEFAULT_QUEUE_CONCURRENCY } from '../../main/editions/service-editions';
import { SLOTS_PER_WORKER } from '../../main/editions/queue/worker-capacity';
import { Ledger } from '../../main/ledger/ledger';
import { settingsFor } from '../unit/dispatch/scheduler-rig';
import { startSimulator, type Simulator } from '../sim/index';
import { countAcceptedPrompts, countPutTasks } from './support/accepted-prompts';
import { batchSettled, poolScheduler, until } from './support/pool-rig';

let dir: string;
let ledger: Ledger;
let exclusive: Simulator;
let api: Simulator;
let scheduler: Scheduler | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-pool-capacity-'));
  ledger = Ledger.open(join(dir, 'jobs.sqlite'), { progressFlushMs: 50 });
  [exclusive, api] = await Promise.all([
    startSimulator({ stepMs: 15 }),
    startSimulator({ stepMs: 15, workers: 4, redeliveryGraceMs: 100 }),
  ]);
});
afterEach(async () => {
  await scheduler?.close();
  ledger.close();
  await Promise.all([exclusive.close(), api.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('pool capacity of an API-edition member', () => {
  it('follows the workers its queue reports, and each job still runs once', async () => {
    const settings = new Map([
      ['ex', { ...settingsFor(exclusive, 'exclusive'), name: 'ex' }],
      ['api', { ...settingsFor(api, 'queue'), name: 'api' }],
    ]);
    const onEx = countAcceptedPrompts(exclusive);
    const onApi = countPutTasks(api);
    const waiters = new Set<() => void>();
    let peak = 0;
    scheduler = poolScheduler(ledger, settings, {
      onJobChange: () => {
        peak = Math.max(peak, ledger.countUnfinished('api'));
        for (const wake of [...waiters]) wake();
      },
    });
    const { batch } = queueBatch(ledger, {
      serviceId: '',
      members: [
        { serviceId: 'ex', state: 'active' },
        { serviceId: 'api', state: 'active' },
      ],
      workflow: starterWorkflow(),
      spec: { seeds: { mode: 'random' }, countPerPrompt: 60 },
    });
    scheduler.wakeBatch(batch.id);
    await until(waiters, () => batchSettled(ledger, batch.id), 60_000, 'the batch to finish');

    expect(ledger.batchSummary(batch.id).counts.succeeded).toBe(60);
    expect(peak).toBeGreaterThan(DEFAULT_QUEUE_CONCURRENCY);
    expect(peak).toBeLessThanOrEqual(4 * SLOTS_PER_WORKER);
    expect(onApi.size).toBeGreaterThan(onEx.size);
    expect(onApi.size + onEx.size).toBe(60);
    expect([...onApi.values(), ...onEx.values()].every((times) => times === 1)).toBe(true);
  }, 90_000);
});
