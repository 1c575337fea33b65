// A thousand jobs through the API edition with every fault on — dropped watch sockets, server restarts, random 5xx,
// workers dying mid-job — and still every result handled exactly once by task_id and every frame committed.
import { afterEach, expect, it } from 'vitest';
import { starterWorkflow } from '../../main/comfy/starter';
import type { ApiWorkflow } from '../../main/comfy/workflow-types';
import type { EditionResult, SubmitReceipt } from '../../main/editions/edition';
import { QueueEdition } from '../../main/editions/queue/queue-edition';
import type { WatcherProblem } from '../../main/editions/queue/sink-watcher';
import { isArtlabError } from '../../main/errors';
import { startSimulator, type Simulator } from '../sim/index';

const JOBS = 1000;
let sim: Simulator | undefined;
let queue: QueueEdition | undefined;
afterEach(async () => {
  await queue?.close();
  await sim?.close();
});

function tinyWorkflow(): ApiWorkflow {
  const workflow = starterWorkflow();
  const latent = workflow['5'];
  if (latent) latent.inputs = { ...latent.inputs, width: 16, height: 16 };
  return workflow;
}

/** Submits with the same identity until the service takes it: a retry after a lost reply may run the job twice. */
async function submitWithRetry(edition: QueueEdition, identity: string, workflow: ApiWorkflow): Promise<SubmitReceipt> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await edition.submit({ jobId: identity, identity, workflow });
    } catch (error) {
      if (attempt >= 50 || (isArtlabError(error) && !error.retryable)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 + attempt * 10));
    }
  }
}

it('handles 1,000 results exactly once by task_id and commits them all, with every fault on', async () => {
  sim = await startSimulator({
    dropWsEvery: 37,
    restartEverySec: 1,
    restartDownMs: 150,
    failRate: 0.05,
    workerCrashRate: 0.05,
    stepMs: 0,
    latencyMs: 1,
    workers: 4,
    redeliveryGraceMs: 150,
    seed: 7,
  });
  const edition = new QueueEdition({
    url: sim.info.queue.url,
    token: sim.info.queue.token,
    uid: 'desktop-faults',
    window: 32,
    watcher: { backoff: { initialMs: 20, maxMs: 300 }, pingIntervalMs: 1000, pongTimeoutMs: 3000 },
  });
  queue = edition;
  const handled = new Map<string, number>();
  const failed: EditionResult[] = [];
  const problems: WatcherProblem['kind'][] = [];
  let allHandled: () => void = () => undefined;
  const everyResult = new Promise<void>((resolve) => (allHandled = resolve));
  edition.onProblem((problem) => problems.push(problem.kind));
  edition.start((result) => {
    handled.set(result.identity, (handled.get(result.identity) ?? 0) + 1);
    if (result.error !== undefined || result.external) failed.push(result);
    if (handled.size === JOBS) allHandled();
    return Promise.resolve();
  });

  const workflow = tinyWorkflow();
  const identities = Array.from({ length: JOBS }, (_, i) => `task-${i.toString().padStart(4, '0')}`);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < identities.length) {
        const identity = identities[next++];
        if (identity !== undefined) await submitWithRetry(edition, identity, workflow);
      }
    }),
  );
  await everyResult;
  await sim.queue.whenIdle();
  // Late duplicates (a submit retried after its reply was lost) are committed without being handled again.
  while (sim.queue.sink.length > 0) await new Promise((resolve) => edition.onCommit(() => resolve(undefined)));

  expect(handled.size).toBe(JOBS);
  expect([...handled.values()].every((count) => count === 1)).toBe(true);
  expect(failed).toEqual([]);
  expect(sim.queue.sink.length).toBe(0);
  const stats = sim.queue.stats();
  const watcher = edition.watcherStats;
  console.info('faults run:', JSON.stringify({ sim: stats, watcher }));
  expect(stats.jobs.crashed).toBeGreaterThan(0);
  expect(stats.sink.deliveries).toBeGreaterThan(JOBS);
  expect(watcher?.connects).toBeGreaterThan(10);
  expect(watcher?.handled).toBe(JOBS);
  expect(problems).not.toContain('garbage-frame');
  expect(problems).not.toContain('handler-failed');
}, 90_000);
