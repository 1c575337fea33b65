// Renders the icon set from assets/icon.svg: PNGs for Linux and the window, icon.ico for Windows, icon.icns for
// macOS. Run it after editing the SVG (`node assets/build/render-icons.mjs`); the outputs are committed so packaging
// never needs this step. It lives under assets/ because it produces assets (the top level is fixed by DESIGN.md).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const assets = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

/** @param {number} size */
function renderPng(size) {
  // density scales the SVG raster so small sizes are drawn, not shrunk from a blurry bitmap.
  return sharp(join(assets, 'icon.svg'), { density: Math.max(72, (72 * size) / 1024) * 4 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/**
 * A 32-bit BMP (DIB) entry: NSIS's makensis refuses PNG-compressed entries below 256 px, so only 256 is PNG.
 * @param {number} size
 */
async function renderDib(size) {
  const { data } = await sharp(await renderPng(size))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8); // colour rows + AND-mask rows, as ICO requires
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      const to = ((size - 1 - y) * size + x) * 4; // bottom-up rows, BGRA
      pixels[to] = data[from + 2];
      pixels[to + 1] = data[from + 1];
      pixels[to + 2] = data[from];
      pixels[to + 3] = data[from + 3];
    }
  }
  const maskRow = Math.ceil(size / 32) * 4;
  return Buffer.concat([header, pixels, Buffer.alloc(maskRow * size)]);
}

/** @param {{ size: number, data: Buffer }[]} images */
export function encodeIco(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, data }, index) => {
    const entry = 6 + 16 * index;
    header.writeUInt8(size >= 256 ? 0 : size, entry);
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt16LE(1, entry + 4);
    header.writeUInt16LE(32, entry + 6);
    header.writeUInt32LE(data.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.data)]);
}

/** ICNS element types that hold PNG data, by pixel size (Retina variants share pixels with the next size up). */
export const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['icp6', 64],
  ['ic12', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
];

/** @param {{ type: string, data: Buffer }[]} elements */
export function encodeIcns(elements) {
  const parts = elements.map(({ type, data }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

async function main() {
  await mkdir(join(assets, 'icons'), { recursive: true });
  /** @type {Map<number, Buffer>} */
  const pngs = new Map();
  for (const size of PNG_SIZES) {
    const png = await renderPng(size);
    pngs.set(size, png);
    // electron-builder's Linux target takes a folder of `<size>x<size>.png`.
    await writeFile(join(assets, 'icons', `${size}x${size}.png`), png);
  }
  const png = (/** @type {number} */ size) => {
    const data = pngs.get(size);
    if (!data) throw new Error(`no ${size}px rendering`);
    return data;
  };
  await writeFile(join(assets, 'icon.png'), png(1024));
  const ico = [];
  for (const size of ICO_SIZES) ico.push({ size, data: size >= 256 ? png(size) : await renderDib(size) });
  await writeFile(join(assets, 'icon.ico'), encodeIco(ico));
  await writeFile(join(assets, 'icon.icns'), encodeIcns(ICNS_TYPES.map(([type, size]) => ({ type, data: png(size) }))));
  console.log(`icons written to ${assets}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
