// Finding a sink frame too large to receive. ws closes the watch socket on a frame over its maxPayload without telling
// the frame's index, and the service sends that frame again on every reconnect; the get operation can name it instead,
// read with a bounded prefix (reference/eas-queue.md: get, DataFrameListProto).
import { describeBytes } from '../../errors';
import type { QueueClient } from './queue-client';
import type { FramePeek } from './sink-frame';
import type { BoundedSet } from './watch-support';

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

export interface OversizedSkip {
  sink: QueueClient;
  maxFrameBytes: number;
  probes: number;
  signal?: AbortSignal;
  /** Indexes already reported: a frame whose commit failed is not reported again at the next reconnect. */
  reported: BoundedSet<number>;
  onUnreadable(problem: { index: number; reason: string; taskId?: string }): void;
}

/**
 * Finds the oversized frame, reports it once, and commits it unread; returns its index, or undefined when none was
 * found. Committing is the only way past it the protocol offers: whether the service would give it to a consumer with
 * a larger cap instead is not published. Its result is lost to this app either way, so the report carries its task_id.
 * The commit goes out at once, not batched: the reconnect that follows must not be sent the same frame again.
 */
export async function commitOversizedFrame(skip: OversizedSkip): Promise<number | undefined> {
  const frame = await findOversizedFrame(skip.sink, skip.maxFrameBytes, skip.probes, skip.signal);
  if (!frame) return undefined;
  if (!skip.reported.has(frame.index)) {
    skip.reported.add(frame.index);
    const taskId = frame.tags.task_id;
    skip.onUnreadable({
      index: frame.index,
      reason: `the frame is ${describeBytes(frame.bytes)}, more than the ${describeBytes(skip.maxFrameBytes)} a result may be`,
      ...(taskId ? { taskId } : {}),
    });
  }
  await skip.sink.commit([frame.index], skip.signal);
  return frame.index;
}
