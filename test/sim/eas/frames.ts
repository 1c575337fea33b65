// Protobuf encoding of the queue's wire messages with the generated schema (never a hand-rolled codec).
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributesProtoSchema,
  DataFrameListProtoSchema,
  DataFrameProtoSchema,
  type DataFrameProto,
} from '../../../main/editions/queue/proto/queue_pb';
import type { QueueItem } from './queue';

export const PROTOBUF = 'application/vnd.google.protobuf';

function frameOf(item: QueueItem, indexOnly: boolean): DataFrameProto {
  return create(DataFrameProtoSchema, {
    index: BigInt(item.index),
    tags: { ...item.tags },
    data: indexOnly ? new Uint8Array() : new Uint8Array(item.data),
  });
}

export function encodeFrame(item: QueueItem, indexOnly = false): Uint8Array {
  return toBinary(DataFrameProtoSchema, frameOf(item, indexOnly));
}

export function encodeFrameList(items: readonly QueueItem[]): Uint8Array {
  return toBinary(
    DataFrameListProtoSchema,
    create(DataFrameListProtoSchema, { index: items.map((item) => frameOf(item, false)) }),
  );
}

export function encodeAttributes(attributes: Record<string, string>): Uint8Array {
  return toBinary(AttributesProtoSchema, create(AttributesProtoSchema, { attributes }));
}

export function wantsProtobuf(accept: string | undefined): boolean {
  return (accept ?? '').toLowerCase().includes(PROTOBUF);
}
