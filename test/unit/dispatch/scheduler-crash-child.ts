// Child process for the scheduler crash test: opens the ledger, queues a batch of `count` jobs on the first run only,
// runs the scheduler (recovering whatever an earlier, killed run left) and prints one line per job change, then
// `done` once the batch is settled. The parent kills it with SIGKILL at random points.
// argv: <ledger file> <settings JSON> <count>
import { starterWorkflow } from '../../../main/comfy/starter';
import { queueBatch } from '../../../main/batches/batch-queueing';
import { isTerminal } from '../../../main/ledger/job-state';
import { Ledger } from '../../../main/ledger/ledger';
import { redactingSink } from '../../../main/log/log-sink';
import { createLogger } from '../../../main/log/logger';
import { Scheduler } from '../../../main/dispatch/scheduler';
import { EditionPool } from '../../../main/editions/edition-pool';
import { buildServiceTarget, type EditionSettings } from '../../../main/editions/service-editions';

const [file = '', settingsJson = '{}', countText = '200'] = process.argv.slice(2);
const settings = JSON.parse(settingsJson) as EditionSettings;
const SERVICE = 'svc';

const ledger = Ledger.open(file, { progressFlushMs: 50 });
const existing = ledger.pageBatches(1)[0];
const batchId =
  existing?.id ??
  queueBatch(ledger, {
    serviceId: SERVICE,
    workflow: starterWorkflow(),
    spec: { seeds: { mode: 'random' }, countPerPrompt: Number(countText) },
  }).batch.id;

function settled(): boolean {
  const { counts } = ledger.batchSummary(batchId);
  return Object.entries(counts).every(([state, n]) => n === 0 || isTerminal(state as keyof typeof counts));
}

const scheduler = new Scheduler({
  ledger,
  editions: new EditionPool(() =>
    buildServiceTarget(settings, {
      ownsIdentity: (identity) => ledger.findJobByIdentity(SERVICE, identity) !== undefined,
      watcher: { backoff: { initialMs: 20, maxMs: 300 }, pingIntervalMs: 500, pongTimeoutMs: 2000 },
      exclusiveTiming: { pollIntervalMs: 100, maxPollIntervalMs: 300, quietAfterMs: 1000 },
    }),
  ),
  retry: { baseMs: 20, maxMs: 200, maxAttempts: 30 },
  onJobChange: (change) => {
    process.stdout.write(`${change.state} ${change.id}\n`);
    if (settled()) {
      process.stdout.write('done\n');
      void scheduler.close().then(() => {
        ledger.close();
        process.exit(0);
      });
    }
  },
  logger: createLogger(
    redactingSink((line, level) => {
      if (level !== 'info') process.stderr.write(`child: ${line}\n`);
    }),
  ),
});
void scheduler.wake(SERVICE).then(() => {
  if (settled()) process.stdout.write('done\n');
});
