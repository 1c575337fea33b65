// Waits for batches to finish, from the Studio's own `batches.changed` events (no polling).
import type { BatchSummaryDto } from '../../../preload/schemas/jobs';
import type { Studio } from '../../../main/studio';

/** Listens to `studio` from now on; `finishedBatch(id)` resolves once that batch is reported finished. */
export function finishedBatches(studio: Studio): (batchId: string) => Promise<void> {
  const finished = new Set<string>();
  let waiters: (() => void)[] = [];
  studio.events.subscribe((event, payload) => {
    if (event !== 'batches.changed') return;
    for (const batch of (payload as { batches: BatchSummaryDto[] }).batches) if (batch.finished) finished.add(batch.id);
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  });
  return (batchId) =>
    new Promise((resolve) => {
      const check = (): void => {
        if (finished.has(batchId)) resolve();
        else waiters.push(check);
      };
      check();
    });
}
