// Child process for the pool crash test: opens the ledger, queues a pool batch of `count` jobs on the first run only,
// runs the pool's scheduler (recovering whatever an earlier, killed run left, each job on its recorded member) and
// prints one line per job change, then `done` once the batch is settled. The parent kills it with SIGKILL.
// argv: <ledger file> <settings JSON: {serviceId: EditionSettings}> <count>
import type { EditionSettings } from '../../../main/editions/service-editions';
import { Ledger } from '../../../main/ledger/ledger';
import { redactingSink } from '../../../main/log/log-sink';
import { createLogger } from '../../../main/log/logger';
import { batchSettled, poolScheduler, queuePoolBatch } from './pool-rig';

const [file = '', settingsJson = '{}', countText = '200'] = process.argv.slice(2);
const settings = new Map(Object.entries(JSON.parse(settingsJson) as Record<string, EditionSettings>));

const ledger = Ledger.open(file, { progressFlushMs: 50 });
const batchId = ledger.pageBatches(1)[0]?.id ?? queuePoolBatch(ledger, Number(countText)).batchId;

const scheduler = poolScheduler(ledger, settings, {
  onJobChange: (change) => {
    process.stdout.write(`${change.state} ${change.serviceId} ${change.id}\n`);
    if (batchSettled(ledger, batchId)) {
      process.stdout.write('done\n');
      void scheduler.close().then(() => {
        ledger.close();
        process.exit(0);
      });
    }
  },
  scheduler: {
    logger: createLogger(
      redactingSink((line, level) => {
        if (level !== 'info') process.stderr.write(`child: ${line}\n`);
      }),
    ),
  },
});
// As the app starts: every saved service's lane opens, recovering its jobs; the members then share the pool.
for (const serviceId of settings.keys()) void scheduler.wake(serviceId);
if (batchSettled(ledger, batchId)) process.stdout.write('done\n');
