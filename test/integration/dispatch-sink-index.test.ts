// Every stored API-edition result keeps the sink index it came in: the audit trail from a result back to the frame
// the service delivered.
import { describe, expect, it } from 'vitest';
import { closingRigs } from './support/scheduler-rigs';

const rigFor = closingRigs();

describe('results of the API edition', () => {
  it('are stored with the sink index of their frame', async () => {
    const rig = await rigFor({ edition: 'queue', sim: { stepMs: 1 } });
    const sinkIndexes = new Map<string, number>();
    const sink = rig.sim.queue.server.sink;
    const put = sink.put.bind(sink);
    sink.put = (data, tags) => {
      const item = put(data, tags);
      if (tags.task_id !== undefined) sinkIndexes.set(tags.task_id, item.index);
      return item;
    };
    const { batchId, jobIds } = await rig.queue(3);
    await rig.settled(batchId);

    for (const jobId of jobIds) {
      const identity = rig.ledger.getJob(jobId)?.identity ?? '';
      const [result] = rig.ledger.resultsOfJob(jobId);
      expect(result?.sinkIndex).toBe(sinkIndexes.get(identity));
      expect(result?.sinkIndex).toBeGreaterThan(0);
    }
  });
});
