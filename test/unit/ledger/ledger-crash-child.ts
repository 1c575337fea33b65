// Run as its own process by jobs-ledger-crash.test.ts, which kills it with SIGKILL: no close(), no flush, no exit
// handler. Each line it prints is a promise already made to the outside world (a request about to be sent, a sink
// frame about to be committed), so after the kill the ledger must hold everything printed.
import { Ledger } from '../../../main/ledger/ledger';

const [file = '', mode = ''] = process.argv.slice(2);
const ledger = Ledger.open(file);
const workflow = { '3': { class_type: 'KSampler', inputs: { seed: 1 } } };
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

if (mode === 'submit-and-record') {
  // The scheduler's order: identity stored, then "sent"; result stored, then "committed".
  const { jobIds } = ledger.createBatch({
    serviceId: 'svc',
    label: 'crash',
    spec: {},
    jobs: Array.from({ length: 2_000 }, () => ({ workflow, params: {} })),
  });
  for (const [n, id] of jobIds.entries()) {
    if (ledger.assignIdentity(id, `task-${n}`)) say(`sent ${id} task-${n}`);
    const stored = ledger.recordResult('svc', { identity: `task-${n}`, external: false, outputs: [] });
    if (stored.isNew) say(`committed task-${n}`);
  }
} else if (mode === 'batches') {
  for (let n = 0; ; n++) {
    ledger.createBatch({
      serviceId: 'svc',
      label: `batch ${n}`,
      spec: {},
      jobs: Array.from({ length: 2_000 }, () => ({ workflow, params: {} })),
    });
    say(`batch ${n}`);
  }
}
