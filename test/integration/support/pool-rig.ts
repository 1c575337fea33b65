// A pool of three simulated services — two Exclusive ComfyUIs and an API edition with four workers — under one
// scheduler and one ledger file, as the app runs them. The scheduler part is shared with the child process of the
// crash test (pool-child.ts), so both build the very same thing.
import { starterWorkflow } from '../../../main/comfy/starter';
import { queueBatch } from '../../../main/batches/batch-queueing';
import { Scheduler, type JobChange, type SchedulerOptions } from '../../../main/dispatch/scheduler';
import { EditionPool } from '../../../main/editions/edition-pool';
import { buildServiceTarget, type EditionSettings, type ServiceTarget } from '../../../main/editions/service-editions';
import type { ConnectionReport } from '../../../main/dispatch/scheduler';
import { isTerminal } from '../../../main/ledger/job-state';
import type { Ledger } from '../../../main/ledger/ledger';
import { settingsFor } from '../../unit/dispatch/scheduler-rig';
import { startSimulator, type Simulator } from '../../sim/index';
import { countAcceptedPrompts, countPutTasks } from './accepted-prompts';

export const MEMBERS = ['ex-a', 'ex-b', 'api-c'] as const;
export type MemberId = (typeof MEMBERS)[number];

export interface PoolHooks {
  /** Wraps a member's target (to count calls, or to inject failures at the edition). */
  wrap?: (serviceId: string, target: ServiceTarget) => ServiceTarget;
  onJobChange?: (change: JobChange) => void;
  onConnection?: (report: ConnectionReport) => void;
  scheduler?: Partial<SchedulerOptions>;
}

/** A scheduler over `ledger` whose services are `settings` (read afresh whenever a lane is rebuilt). */
export function poolScheduler(
  ledger: Ledger,
  settings: ReadonlyMap<string, EditionSettings>,
  hooks: PoolHooks = {},
): Scheduler {
  return new Scheduler({
    ledger,
    editions: new EditionPool((serviceId) => {
      const chosen = settings.get(serviceId);
      if (!chosen) throw new Error(`no such service ${serviceId}`);
      const target = buildServiceTarget(chosen, {
        ownsIdentity: (identity) => ledger.findJobByIdentity(serviceId, identity) !== undefined,
        watcher: { backoff: { initialMs: 20, maxMs: 500 }, pingIntervalMs: 500, pongTimeoutMs: 2000 },
        exclusiveTiming: { pollIntervalMs: 100, maxPollIntervalMs: 500, quietAfterMs: 1000 },
      });
      return hooks.wrap ? hooks.wrap(serviceId, target) : target;
    }),
    retry: { baseMs: 20, maxMs: 200, maxAttempts: 30 },
    ...hooks.scheduler,
    ...(hooks.onJobChange ? { onJobChange: hooks.onJobChange } : {}),
    ...(hooks.onConnection ? { onConnection: hooks.onConnection } : {}),
  });
}

export interface PoolSims {
  sims: Record<MemberId, Simulator>;
  settings: Map<string, EditionSettings>;
  /** Every submission each service accepted, by identity (prompt_id or task_id). */
  accepted: Record<MemberId, Map<string, number>>;
  close(): Promise<void>;
}

export async function startPoolSims(stepMs = 2): Promise<PoolSims> {
  const [a, b, c] = await Promise.all([
    startSimulator({ redeliveryGraceMs: 100, stepMs }),
    startSimulator({ redeliveryGraceMs: 100, stepMs }),
    startSimulator({ redeliveryGraceMs: 100, stepMs, workers: 4 }),
  ]);
  const sims = { 'ex-a': a, 'ex-b': b, 'api-c': c };
  const settings = new Map<string, EditionSettings>([
    ['ex-a', { ...settingsFor(a, 'exclusive'), name: 'ex-a' }],
    ['ex-b', { ...settingsFor(b, 'exclusive'), name: 'ex-b' }],
    ['api-c', { ...settingsFor(c, 'queue'), name: 'api-c' }],
  ]);
  const accepted = { 'ex-a': countAcceptedPrompts(a), 'ex-b': countAcceptedPrompts(b), 'api-c': countPutTasks(c) };
  return {
    sims,
    settings,
    accepted,
    close: async () => {
      await Promise.all([a.close(), b.close(), c.close()]);
    },
  };
}

/** Queues `count` jobs of the starter workflow, random seeds, on all three members. */
export function queuePoolBatch(ledger: Ledger, count: number): { batchId: string; jobIds: string[] } {
  const { batch, jobIds } = queueBatch(ledger, {
    serviceId: '',
    members: MEMBERS.map((serviceId) => ({ serviceId, state: 'active' as const })),
    workflow: starterWorkflow(),
    spec: { seeds: { mode: 'random' }, countPerPrompt: count },
  });
  return { batchId: batch.id, jobIds };
}

/** Resolves once `test` holds, checked after every job change (and at once). */
export function until(waiters: Set<() => void>, test: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (test()) return resolve();
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const check = (): void => {
      if (!test()) return;
      clearTimeout(timer);
      waiters.delete(check);
      resolve();
    };
    waiters.add(check);
  });
}

/** Every job of the batch is in a final state. */
export function batchSettled(ledger: Ledger, batchId: string): boolean {
  const { counts } = ledger.batchSummary(batchId);
  return Object.entries(counts).every(([state, n]) => n === 0 || isTerminal(state as keyof typeof counts));
}

/** Which services accepted each job, across the pool (a job accepted by two would be a duplicate render). */
export function acceptancesByJob(ledger: Ledger, pool: PoolSims): Map<string, string[]> {
  const byJob = new Map<string, string[]>();
  for (const member of MEMBERS) {
    for (const [identity, times] of pool.accepted[member]) {
      const job = ledger.findJobByIdentity(member, identity);
      const key = job?.id ?? `unknown ${member} ${identity}`;
      for (let n = 0; n < times; n++) byJob.set(key, [...(byJob.get(key) ?? []), member]);
    }
  }
  return byJob;
}
