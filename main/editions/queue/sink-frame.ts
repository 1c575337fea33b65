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

/** What the first bytes of a get reply tell about its first item, without its data. */
export interface FramePeek {
  index: number;
  /** The whole DataFrameProto's size: what a watch frame of this item weighs. */
  bytes: number;
  /** The tags whose entries were wholly inside the prefix (they precede the data in field order). */
  tags: Record<string, string>;
}

const TAGS_FIELD = 2;
const DATA_FIELD = 3;

/**
 * Reads the first DataFrameProto of a DataFrameListProto from a prefix of it: its declared length, its index and the
 * tags that precede its data. Serializers write fields in number order (index 1, tags 2, data 3), so a few KiB hold
 * everything but the data. Undefined when the list is empty or the prefix does not walk as protobuf.
 */
export function peekFrameList(prefix: Uint8Array): FramePeek | undefined {
  try {
    const reader = new BinaryReader(prefix);
    if (reader.pos >= reader.len) return undefined;
    const [fieldNo, wireType] = reader.tag();
    if (fieldNo !== 1 || wireType !== WireType.LengthDelimited) return undefined;
    const bytes = reader.uint32();
    const end = Math.min(reader.len, reader.pos + bytes);
    let index: bigint | undefined;
    const tags: Record<string, string> = {};
    while (reader.pos < end) {
      const [field, type] = reader.tag();
      if (field === INDEX_FIELD && type === WireType.Varint) index = BigInt(reader.uint64());
      else if (field === TAGS_FIELD && type === WireType.LengthDelimited) {
        const entry = new BinaryReader(reader.bytes());
        let key = '';
        let value = '';
        while (entry.pos < entry.len) {
          const [entryField, entryType] = entry.tag();
          if (entryField === 1) key = entry.string();
          else if (entryField === 2) value = entry.string();
          else entry.skip(entryType, entryField);
        }
        tags[key] = value;
      } else if (field === DATA_FIELD) break;
      else reader.skip(type, field);
    }
    if (index === undefined || index <= 0n || index > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    return { index: Number(index), bytes, tags };
  } catch {
    // a tag entry cut by the end of the prefix: what was read before it stands
    return undefined;
  }
}
