// One sink frame off the wire: a DataFrameProto (reference/eas-queue.md) decoded with the generated schema. A frame
// that does not decode is garbage; an empty binary frame decodes as index 0, which is never a real item (indexes
// start at 1) and must never be committed.
import { fromBinary } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { DataFrameProtoSchema } from './proto/queue_pb';

export interface SinkFrame {
  /** The sink index: what a commit names. Always ≥ 1. */
  index: number;
  /** The `task_id` tag the submit carried; absent on results of clients that did not set one. */
  taskId: string | undefined;
  /** The `requestId` tag: the put's request id. */
  requestId: string | undefined;
  tags: Readonly<Record<string, string>>;
  /** The result as the worker wrote it: UTF-8 JSON in the ArtLab API edition. */
  data: Uint8Array;
  /** Non-empty when the service reports a failure for this item. */
  message: string;
}

export type DecodedFrame =
  | { ok: true; frame: SinkFrame }
  /** `index` is set when the frame's index could still be read, so the caller can decide to commit it. */
  | { ok: false; index: number | undefined; reason: string };

const INDEX_FIELD = 1;

export function decodeSinkFrame(bytes: Uint8Array): DecodedFrame {
  let proto;
  try {
    proto = fromBinary(DataFrameProtoSchema, bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, index: salvageIndex(bytes), reason: `the frame is not a DataFrameProto (${reason})` };
  }
  const index = proto.index;
  if (index === 0n) return { ok: false, index: undefined, reason: 'the frame has index 0 (an empty frame)' };
  if (index > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, index: undefined, reason: `the frame index ${index} is out of range` };
  }
  const tags = { ...proto.tags };
  return {
    ok: true,
    frame: {
      index: Number(index),
      taskId: tags.task_id,
      requestId: tags.requestId,
      tags,
      data: proto.data,
      message: proto.message,
    },
  };
}

/**
 * The index field of a frame whose other fields are broken (say, a tag that is not UTF-8), read with the library's
 * wire reader. Only when the whole buffer walks as well-formed protobuf with one index: a wrong index committed would
 * remove someone else's result, and random bytes rarely walk cleanly.
 */
function salvageIndex(bytes: Uint8Array): number | undefined {
  let found: bigint | undefined;
  try {
    const reader = new BinaryReader(bytes);
    while (reader.pos < reader.len) {
      const [fieldNo, wireType] = reader.tag();
      if (fieldNo === INDEX_FIELD && wireType === WireType.Varint) {
        if (found !== undefined) return undefined;
        found = BigInt(reader.uint64());
      } else {
        reader.skip(wireType, fieldNo);
      }
    }
  } catch {
    return undefined; // not even the framing holds: there is no index to trust
  }
  if (found === undefined || found <= 0n || found > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(found);
}
