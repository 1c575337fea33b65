// A minimal PNG writer and reader for the simulator: 8-bit RGB images with tEXt chunks, as ComfyUI's SaveImage writes
// them. The reader exists so tests (and other simulator parts) can check what was written without another decoder.
import { crc32, deflateSync, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3 bytes, row-major. */
  rgb: Buffer;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4, 8))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Encodes an RGB image with tEXt chunks (written before the image data, like PIL does). Text must be Latin-1: ComfyUI's
 * JSON is ASCII-escaped, which is what `pythonJsonDumps` produces.
 */
export function encodePng(image: RgbImage, text: [string, string][] = []): Buffer {
  const { width, height } = image;
  const chunks = [chunk('IHDR', header(width, height))];
  for (const [key, value] of text) chunks.push(chunk('tEXt', Buffer.from(`${key}\0${value}`, 'latin1')));
  chunks.push(chunk('IDAT', imageData(image)));
  chunks.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([SIGNATURE, ...chunks]);
}

/**
 * An animated PNG (APNG, as PIL writes for SaveAnimatedPNG): the first frame is the default image, the others follow
 * in fdAT chunks, each shown `delayMs`, looping forever. Frames share the first one's size.
 */
export function encodeApng(frames: RgbImage[], delayMs: number, text: [string, string][] = []): Buffer {
  const [first] = frames;
  if (!first) throw new Error('an APNG needs a frame');
  const { width, height } = first;
  const chunks = [chunk('IHDR', header(width, height))];
  for (const [key, value] of text) chunks.push(chunk('tEXt', Buffer.from(`${key}\0${value}`, 'latin1')));
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(frames.length, 0);
  chunks.push(chunk('acTL', actl));
  let sequence = 0;
  for (const [index, frame] of frames.entries()) {
    const fctl = Buffer.alloc(26);
    fctl.writeUInt32BE(sequence++, 0);
    fctl.writeUInt32BE(width, 4);
    fctl.writeUInt32BE(height, 8);
    fctl.writeUInt16BE(Math.max(1, Math.round(delayMs)), 20);
    fctl.writeUInt16BE(1000, 22);
    chunks.push(chunk('fcTL', fctl));
    const data = imageData(frame);
    if (index === 0) chunks.push(chunk('IDAT', data));
    else {
      const head = Buffer.alloc(4);
      head.writeUInt32BE(sequence++, 0);
      chunks.push(chunk('fdAT', Buffer.concat([head, data])));
    }
  }
  chunks.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([SIGNATURE, ...chunks]);
}

function header(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  // compression, filter and interlace methods stay 0
  return ihdr;
}

function imageData({ width, height, rgb }: RgbImage): Buffer {
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y += 1) {
    // filter type 0 (None) per row: cheapest to write; deflate still squeezes the smooth patterns well
    rgb.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return deflateSync(raw, { level: 1 });
}

export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** tEXt chunks by keyword. */
  text: Record<string, string>;
  /** Unfiltered pixel rows (8-bit RGB or RGBA only; otherwise undefined). */
  pixels?: Buffer;
}

export class PngFormatError extends Error {}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

function unfilter(data: Buffer, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = data[y * (stride + 1)] ?? 0;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x += 1) {
      const raw = data[src + x] ?? 0;
      const a = x >= bpp ? (out[row + x - bpp] ?? 0) : 0;
      const b = y > 0 ? (out[row - stride + x] ?? 0) : 0;
      const c = x >= bpp && y > 0 ? (out[row - stride + x - bpp] ?? 0) : 0;
      let value: number;
      switch (filter) {
        case 0:
          value = raw;
          break;
        case 1:
          value = raw + a;
          break;
        case 2:
          value = raw + b;
          break;
        case 3:
          value = raw + ((a + b) >> 1);
          break;
        case 4:
          value = raw + paeth(a, b, c);
          break;
        default:
          throw new PngFormatError(`unknown PNG filter type ${filter}`);
      }
      out[row + x] = value & 0xff;
    }
  }
  return out;
}

/** Decodes a PNG's header and text chunks, checking every CRC; pixels for 8-bit RGB/RGBA non-interlaced images. */
export function decodePng(bytes: Buffer): DecodedPng {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(SIGNATURE)) throw new PngFormatError('not a PNG file');
  let offset = 8;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colorType = 0;
  let interlace = 0;
  const text: Record<string, string> = {};
  const idat: Buffer[] = [];
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = bytes.readUInt32BE(offset + 8 + length);
    if (crc32(data, crc32(bytes.subarray(offset + 4, offset + 8))) >>> 0 !== crc) {
      throw new PngFormatError(`bad CRC in ${type} chunk`);
    }
    offset += 12 + length;
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8] ?? 0;
      colorType = data[9] ?? 0;
      interlace = data[12] ?? 0;
    } else if (type === 'tEXt') {
      const nul = data.indexOf(0);
      if (nul > 0) text[data.toString('latin1', 0, nul)] = data.toString('latin1', nul + 1);
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
  }
  if (width === 0 || height === 0) throw new PngFormatError('PNG without IHDR');
  const result: DecodedPng = { width, height, bitDepth, colorType, text };
  const bpp = colorType === 2 ? 3 : colorType === 6 ? 4 : 0;
  if (bitDepth === 8 && bpp > 0 && interlace === 0) {
    result.pixels = unfilter(inflateSync(Buffer.concat(idat)), width, height, bpp);
  }
  return result;
}

/**
 * JSON as Python's json.dumps writes it by default: ", " and ": " separators, non-ASCII escaped as \uXXXX. Python's
 * ints have no size limit: a bigint (a seed up to 2^64 - 1) is written with all its digits.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NaN';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (Array.isArray(value)) return `[${value.map((item) => pythonJsonDumps(item)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`);
    return `{${entries.join(', ')}}`;
  }
  return 'null';
}
