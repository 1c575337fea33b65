// Deterministic stand-in pictures: each image is a pattern drawn from a 32-bit hash, so the same seed and prompt text
// always give the same pixels, and different ones visibly differ. Cheap to draw at 512×512 for hundreds of jobs.

/** How to draw one image: a hash-derived gradient, or a solid colour (EmptyImage). */
export interface Pattern {
  hash: number;
  solid?: [number, number, number];
}

/** FNV-1a, 32-bit. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function mix(hash: number): number {
  let h = hash >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Renders a pattern as width × height × 3 RGB bytes. */
export function renderRgb(pattern: Pattern, width: number, height: number): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  if (pattern.solid) {
    const [r, g, b] = pattern.solid;
    for (let i = 0; i < rgb.length; i += 3) {
      rgb[i] = r;
      rgb[i + 1] = g;
      rgb[i + 2] = b;
    }
    return rgb;
  }
  const a = mix(pattern.hash);
  const b = mix(a);
  const [fromRed, fromGreen, fromBlue] = [a & 0xff, (a >>> 8) & 0xff, (a >>> 16) & 0xff];
  const [toRed, toGreen] = [b & 0xff, (b >>> 8) & 0xff];
  const stripe = 8 + ((a >>> 24) % 24);
  const tone = (b >>> 24) & 0x3f;
  const red = new Uint8Array(width);
  for (let x = 0; x < width; x += 1) red[x] = fromRed + ((toRed - fromRed) * x) / Math.max(1, width - 1);
  let i = 0;
  for (let y = 0; y < height; y += 1) {
    const green = fromGreen + ((toGreen - fromGreen) * y) / Math.max(1, height - 1);
    for (let x = 0; x < width; x += 1) {
      rgb[i] = red[x] ?? 0;
      rgb[i + 1] = green;
      // diagonal bands, so two images with close colours still look different
      rgb[i + 2] = (fromBlue + (Math.floor((x + y) / stripe) % 2 === 0 ? tone : 0)) & 0xff;
      i += 3;
    }
  }
  return rgb;
}
