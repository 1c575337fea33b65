// The sink frame decoder takes whatever bytes a socket delivers: it never throws, never yields index 0, and reads
// every well-formed DataFrameProto exactly.
import { create, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataFrameProtoSchema } from '../../../main/editions/queue/proto/queue_pb';
import { decodeSinkFrame } from '../../../main/editions/queue/sink-frame';
import { BoundedSet, backoffDelay } from '../../../main/editions/queue/watch-support';

const frameArbitrary = fc.record({
  index: fc.bigInt({ min: 1n, max: BigInt(Number.MAX_SAFE_INTEGER) }),
  tags: fc.dictionary(fc.string(), fc.string()),
  data: fc.uint8Array({ maxLength: 64 }),
  message: fc.string(),
});

describe('decodeSinkFrame', () => {
  it('never throws on random bytes, and never hands out index 0', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        const decoded = decodeSinkFrame(bytes);
        if (decoded.ok) expect(decoded.frame.index).toBeGreaterThanOrEqual(1);
        else expect(decoded.index === undefined || decoded.index >= 1).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back every field of a well-formed frame', () => {
    fc.assert(
      fc.property(frameArbitrary, (fields) => {
        const decoded = decodeSinkFrame(toBinary(DataFrameProtoSchema, create(DataFrameProtoSchema, fields)));
        expect(decoded).toEqual({
          ok: true,
          frame: {
            index: Number(fields.index),
            taskId: fields.tags.task_id,
            requestId: fields.tags.requestId,
            tags: { ...fields.tags },
            data: fields.data,
            message: fields.message,
          },
        });
      }),
    );
  });

  it('treats an empty frame as garbage without an index (it decodes as index 0)', () => {
    expect(decodeSinkFrame(new Uint8Array())).toEqual({
      ok: false,
      index: undefined,
      reason: 'the frame has index 0 (an empty frame)',
    });
  });

  it('salvages the index of a well-framed frame whose tag is not UTF-8, and not of truncated bytes', () => {
    const broken = new Uint8Array([0x08, 0x07, 0x12, 0x05, 0x0a, 0x01, 0xff, 0x12, 0x00]);
    expect(decodeSinkFrame(broken)).toMatchObject({ ok: false, index: 7 });
    expect(decodeSinkFrame(broken.subarray(0, 6))).toMatchObject({ ok: false, index: undefined });
  });
});

describe('backoffDelay', () => {
  it('draws between 0 and the capped exponential', () => {
    fc.assert(
      fc.property(fc.nat(60), fc.double({ min: 0, max: 1, noNaN: true }), (failures, draw) => {
        const delay = backoffDelay(failures, { initialMs: 500, maxMs: 30_000 }, () => draw);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(30_000, 500 * 2 ** failures));
      }),
    );
  });
});

describe('BoundedSet', () => {
  it('forgets the oldest entries beyond its limit', () => {
    const set = new BoundedSet<number>(3);
    for (const n of [1, 2, 3, 4]) set.add(n);
    expect([set.has(1), set.has(2), set.has(4), set.size]).toEqual([false, true, true, 3]);
  });
});
