import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentNames, InputCopies, isContentName } from '../../../main/workflows/input-copies';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-input-copies-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const named = (text: string) => {
  const bytes = Buffer.from(text.padEnd(40, '.'));
  return { bytes, name: `artlab-${createHash('sha256').update(bytes).digest('hex').slice(0, 40)}.png` };
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('InputCopies', () => {
  it('keeps copies under their content name and gives back only bytes that still hash to it', async () => {
    const copies = new InputCopies(dir);
    const { bytes, name } = named('first');
    await copies.keep(name, bytes);
    expect(await copies.read(name)).toEqual(bytes);
    expect(await copies.read(named('other').name)).toBeUndefined();
    expect(await copies.read('../escape.png')).toBeUndefined();
    await copies.keep('not-ours.png', bytes);
    expect(readdirSync(dir)).toEqual([name]);
  });

  it('lets the least recently used copies go past its cap, never the one just kept', async () => {
    const copies = new InputCopies(dir, 100);
    const [a, b, c] = [named('a'), named('b'), named('c')];
    await copies.keep(a.name, a.bytes);
    await pause(20);
    await copies.keep(b.name, b.bytes);
    await pause(20);
    await copies.read(a.name); // used again: now b is the oldest
    await pause(20);
    await copies.keep(c.name, c.bytes);
    expect(readdirSync(dir).sort()).toEqual([a.name, c.name].sort());
  });
});

describe('contentNames', () => {
  it("finds the app's own inputs in the workflow, the values set and the sweeps, once each", () => {
    const own = `artlab-${'a'.repeat(40)}.png`;
    const other = `artlab-${'b'.repeat(40)}.jpg`;
    const workflow = { '1': { inputs: { image: own, seed: 3 } }, '2': { inputs: { image: 'example.png' } } };
    const spec = {
      set: { '2.image': own },
      sweeps: [{ parameter: '1.image', values: [other, 'x.png'] }, { range: {} }],
    };
    expect(contentNames(workflow, spec).sort()).toEqual([own, other]);
    expect(isContentName(`artlab-${'a'.repeat(40)}.png/../x`)).toBe(false);
  });
});
