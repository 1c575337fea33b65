import fc from 'fast-check';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/errors';
import { readPngText, workflowFromPng } from '../../../main/comfy/png-metadata';
import { starterWorkflow } from '../../../main/comfy/starter';
import { serializeWorkflow, UI_FORMAT_MESSAGE } from '../../../main/comfy/workflow-parse';
import { patchWorkflow } from '../../../main/comfy/workflow-patch';
import { thrown } from './support';

// A tiny PNG writer: a 1×1 RGBA image with the given extra chunks before its image data, as Pillow lays them out.
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(Buffer.from(type, 'latin1'))));
  return Buffer.concat([head, data, crc]);
}

function tEXt(keyword: string, text: string): Buffer {
  return chunk('tEXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.of(0), Buffer.from(text, 'latin1')]));
}

function zTXt(keyword: string, text: string): Buffer {
  const body = deflateSync(Buffer.from(text, 'latin1'));
  return chunk('zTXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.of(0, 0), body]));
}

function iTXt(keyword: string, text: string, compressed = false): Buffer {
  const utf8 = Buffer.from(text, 'utf8');
  return chunk(
    'iTXt',
    Buffer.concat([
      Buffer.from(keyword, 'latin1'),
      Buffer.of(0, compressed ? 1 : 0, 0),
      Buffer.from('zh-CN', 'latin1'),
      Buffer.of(0),
      Buffer.from('提示', 'utf8'),
      Buffer.of(0),
      compressed ? deflateSync(utf8) : utf8,
    ]),
  );
}

function png(...extra: Buffer[]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const pixels = deflateSync(Buffer.of(0, 255, 0, 0, 255)); // filter byte + one red pixel
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extra,
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const uiWorkflow = JSON.stringify({ last_node_id: 9, nodes: [{ id: 3, type: 'KSampler' }], links: [] });

describe('readPngText', () => {
  it('reads tEXt, zTXt and iTXt (plain and compressed) chunks', () => {
    const file = png(tEXt('a', 'latin é'), zTXt('b', 'zipped'), iTXt('c', 'K采样器'), iTXt('d', '空Latent', true));
    expect(Object.fromEntries(readPngText(file))).toEqual({ a: 'latin é', b: 'zipped', c: 'K采样器', d: '空Latent' });
  });

  it('keeps the first chunk of a repeated keyword', () => {
    expect(readPngText(png(tEXt('prompt', 'one'), tEXt('prompt', 'two'))).get('prompt')).toBe('one');
  });

  it('refuses a file that is not a PNG', () => {
    expect(thrown(() => readPngText(Buffer.from('GIF89a...'))).message).toContain('not a PNG');
  });

  it('refuses a truncated file, wherever it is cut', () => {
    const file = png(tEXt('prompt', serializeWorkflow(starterWorkflow())));
    for (const cut of [9, 20, 40, 200, file.length - 1]) {
      expect(() => readPngText(file.subarray(0, cut))).toThrow(ValidationError);
    }
    expect(thrown(() => readPngText(file.subarray(0, 200))).message).toContain('runs past the end');
  });

  it('refuses a text chunk whose CRC does not match', () => {
    const file = png(tEXt('prompt', '{}'));
    const at = 33 + 8 + 2; // a byte inside the tEXt data, after the 33-byte signature + IHDR
    file.writeUInt8(file.readUInt8(at) ^ 0x01, at);
    expect(thrown(() => readPngText(file)).message).toContain('tEXt chunk is damaged (CRC mismatch)');
  });

  it('refuses a chunk length that claims more than the file holds, without allocating it', () => {
    const file = png(tEXt('prompt', '{}'));
    file.writeUInt32BE(0xfffffff0, 33);
    expect(thrown(() => readPngText(file)).message).toContain('runs past the end');
  });

  it('refuses a compressed chunk that would inflate beyond the cap', () => {
    const bomb = Buffer.concat([Buffer.from('prompt', 'latin1'), Buffer.of(0, 0), deflateSync(Buffer.alloc(40 << 20))]);
    expect(thrown(() => readPngText(png(chunk('zTXt', bomb)))).message).toContain('inflates beyond');
  });

  it('refuses iTXt text that is not UTF-8 and zlib data that is not zlib', () => {
    const badUtf8 = Buffer.concat([Buffer.from('c', 'latin1'), Buffer.of(0, 0, 0, 0, 0, 0xff, 0xfe)]);
    expect(thrown(() => readPngText(png(chunk('iTXt', badUtf8)))).message).toContain('not UTF-8');
    const badZlib = Buffer.concat([Buffer.from('b', 'latin1'), Buffer.of(0, 0, 1, 2, 3)]);
    expect(thrown(() => readPngText(png(chunk('zTXt', badZlib)))).message).toContain('not valid zlib');
  });

  it('never throws anything but ValidationError on random bytes or a damaged PNG', () => {
    const good = png(tEXt('prompt', serializeWorkflow(starterWorkflow())), iTXt('workflow', uiWorkflow, true));
    const damaged = fc
      .array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
      .map((edits) => {
        const copy = Buffer.from(good);
        for (const [at, byte] of edits) copy[at] = byte;
        return copy;
      });
    const truncated = fc.nat(good.length).map((cut) => good.subarray(0, cut));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), damaged, truncated), (bytes) => {
        try {
          workflowFromPng(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('workflowFromPng', () => {
  it('reads the API workflow ComfyUI saved in the prompt chunk, beside the UI workflow', () => {
    const workflow = starterWorkflow();
    const file = png(tEXt('prompt', serializeWorkflow(workflow)), tEXt('workflow', uiWorkflow));
    expect(workflowFromPng(file)).toEqual(workflow);
  });

  it('reads a Chinese-titled workflow from an iTXt chunk, with a big seed exact', () => {
    const workflow = patchWorkflow(starterWorkflow('zh-CN'), { '3.seed': 18446744073709551615n, '6.text': '山水画' });
    const read = workflowFromPng(png(iTXt('prompt', serializeWorkflow(workflow), true)));
    expect(read).toEqual(workflow);
    expect(read['3']?.inputs.seed).toBe(18446744073709551615n);
  });

  it('refuses a PNG that only carries the UI-format workflow, saying how to export', () => {
    expect(thrown(() => workflowFromPng(png(tEXt('workflow', uiWorkflow)))).message).toBe(UI_FORMAT_MESSAGE);
  });

  it('says so when the PNG carries no workflow at all', () => {
    expect(thrown(() => workflowFromPng(png(tEXt('Software', 'GIMP')))).message).toContain('no ComfyUI workflow');
  });

  it('refuses a prompt chunk that is not valid JSON', () => {
    expect(thrown(() => workflowFromPng(png(tEXt('prompt', '{"3": ')))).message).toContain('not valid JSON');
  });
});
