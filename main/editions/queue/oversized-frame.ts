// Finding a sink frame too large to receive. ws closes the watch socket on a frame over its maxPayload without telling
// the frame's index, and the service sends that frame again on every reconnect; the get operation can name it instead,
// read with a bounded prefix (reference/eas-queue.md: get, DataFrameListProto).
import type { QueueClient } from './queue-client';
import type { FramePeek } from './sink-frame';

/**
 * The first item, in index order from the head, whose declared size is over `maxFrameBytes`: the frames before it in
 * the sink were small enough to come through. At most `probes` small gets, so a long sink of uncommitted items costs
 * a bounded number of requests; undefined when none of them is oversized.
 */
export async function findOversizedFrame(
  sink: QueueClient,
  maxFrameBytes: number,
  probes: number,
  signal?: AbortSignal,
): Promise<FramePeek | undefined> {
  let from = 0;
  for (let probe = 0; probe < probes; probe += 1) {
    const peek = await sink.peek(from, signal);
    if (!peek) return undefined;
    if (peek.bytes > maxFrameBytes) return peek;
    from = peek.index + 1;
  }
  return undefined;
}
