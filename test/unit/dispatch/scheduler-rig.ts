// A scheduler over a real ledger file and the simulator, for the scheduler, cancel and recovery tests: each batch
// gets random seeds so that the Exclusive simulator's cache never skips a run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { starterWorkflow } from '../../../main/comfy/starter';
import { queueBatch } from '../../../main/batches/batch-queueing';
import type { BatchSpecInput as BatchSpec } from '../../../preload/schemas/jobs';
import { isTerminal, jobStateSchema } from '../../../main/ledger/job-state';
import { Ledger } from '../../../main/ledger/ledger';
import { Scheduler, type JobChange, type SchedulerOptions } from '../../../main/dispatch/scheduler';
import { EditionPool } from '../../../main/editions/edition-pool';
import { buildServiceTarget, type EditionSettings, type ServiceTarget } from '../../../main/editions/service-editions';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../sim/index';

export const SERVICE = 'svc';

export interface SchedulerRig {
  sim: Simulator;
  ledger: Ledger;
  scheduler: Scheduler;
  changes: JobChange[];
  /** Queues `count` jobs of the starter workflow with random seeds and wakes the scheduler. */
  queue(count: number, spec?: Partial<BatchSpec>): Promise<{ batchId: string; jobIds: string[] }>;
  /** Resolves once every job of the batch is in a final state. */
  settled(batchId: string, timeoutMs?: number): Promise<void>;
  /** Resolves once `test` holds for a change (or already held for a past one). */
  change(test: (change: JobChange) => boolean, timeoutMs?: number): Promise<JobChange>;
  close(): Promise<void>;
}

export interface RigOptions {
  edition: 'queue' | 'exclusive';
  sim?: Partial<SimulatorOptions>;
  settings?: Partial<EditionSettings>;
  scheduler?: Partial<SchedulerOptions>;
  /** Wraps the target (to count calls, or to inject failures at the edition). */
  wrap?: (target: ServiceTarget) => ServiceTarget;
}

export function settingsFor(sim: Simulator, edition: 'queue' | 'exclusive'): EditionSettings {
  if (edition === 'exclusive') {
    return { edition, name: 'sim', url: sim.info.exclusive.url, token: sim.info.exclusive.token };
  }
  const { oss } = sim.info;
  return {
    edition,
    name: 'sim',
    url: sim.info.queue.url,
    token: sim.info.queue.token,
    consumerUid: 'rig-consumer',
    oss: {
      bucket: oss.bucket,
      prefix: `${oss.prefix}/`,
      endpoint: oss.endpoint,
      region: oss.region,
      accessKeyId: oss.accessKeyId,
      accessKeySecret: oss.accessKeySecret,
    },
  };
}

export async function schedulerRig(options: RigOptions): Promise<SchedulerRig> {
  const dir = mkdtempSync(join(tmpdir(), 'artlab-scheduler-'));
  const sim = await startSimulator({ redeliveryGraceMs: 100, ...options.sim });
  const ledger = Ledger.open(join(dir, 'jobs.sqlite'), { progressFlushMs: 50 });
  const changes: JobChange[] = [];
  const waiters = new Set<() => void>();
  const settings = { ...settingsFor(sim, options.edition), ...options.settings };
  const scheduler = new Scheduler({
    ledger,
    editions: new EditionPool(() => {
      const target = buildServiceTarget(settings, {
        ownsIdentity: (identity) => ledger.findJobByIdentity(SERVICE, identity) !== undefined,
        watcher: { backoff: { initialMs: 20, maxMs: 500 }, pingIntervalMs: 500, pongTimeoutMs: 2000 },
        exclusiveTiming: { pollIntervalMs: 100, maxPollIntervalMs: 500, quietAfterMs: 1000 },
      });
      return options.wrap ? options.wrap(target) : target;
    }),
    retry: { baseMs: 20, maxMs: 200, maxAttempts: 30 },
    ...options.scheduler,
    onJobChange: (change) => {
      changes.push(change);
      for (const wake of [...waiters]) wake();
      options.scheduler?.onJobChange?.(change);
    },
  });

  const until = (test: () => boolean, timeoutMs: number, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
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

  return {
    sim,
    ledger,
    scheduler,
    changes,
    async queue(count, spec = {}) {
      const { batch, jobIds } = queueBatch(ledger, {
        serviceId: SERVICE,
        workflow: starterWorkflow(),
        spec: { seeds: { mode: 'random' }, countPerPrompt: count, ...spec },
      });
      await scheduler.wake(SERVICE);
      return { batchId: batch.id, jobIds };
    },
    settled(batchId, timeoutMs = 20_000) {
      const done = (): boolean => {
        const { counts } = ledger.batchSummary(batchId);
        return Object.entries(counts).every(([state, n]) => n === 0 || isTerminal(jobStateSchema.parse(state)));
      };
      return until(done, timeoutMs, `batch ${batchId} to settle`);
    },
    async change(test, timeoutMs = 20_000) {
      await until(() => changes.some(test), timeoutMs, 'a job change');
      const found = changes.find(test);
      if (!found) throw new Error('change vanished');
      return found;
    },
    async close() {
      await scheduler.close();
      ledger.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
