import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCopyRecord } from '../../../main/cli/copy-record';
import { createNodeStore } from '../../../main/node-adapters';

const folders: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'artlab-copies-'));
  folders.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the CLI copy record', () => {
  it('remembers each copy across runs, one appended line per image', () => {
    const dir = dataDir();
    const first = openCopyRecord(dir, 'batch-1');
    for (let image = 1; image <= 2_000; image++) first.set(image, `img-${image}.png`);

    const again = openCopyRecord(dir, 'batch-1');
    expect(again.get(1)).toBe('img-1.png');
    expect(again.get(2_000)).toBe('img-2000.png');
    expect(again.get(2_001)).toBeUndefined();
    expect(openCopyRecord(dir, 'batch-2').get(1)).toBeUndefined();
    const lines = readFileSync(join(dir, 'cli-copies', 'batch-1.jsonl'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(2_000);
  });

  it('skips a line cut short by a crash, and keeps the rest', () => {
    const dir = dataDir();
    openCopyRecord(dir, 'b').set(7, 'seven.png');
    appendFileSync(join(dir, 'cli-copies', 'b.jsonl'), '{"image": 8, "fi');
    const record = openCopyRecord(dir, 'b');
    expect(record.get(7)).toBe('seven.png');
    expect(record.get(8)).toBeUndefined();
  });

  it('reads what the settings store held before, and adds to it', () => {
    const dir = dataDir();
    const store = createNodeStore(dir);
    store.set('cli.copies.b', { '3': 'three.png', nonsense: 'x' });
    const record = openCopyRecord(dir, 'b', store);
    record.set(4, 'four.png');
    const again = openCopyRecord(dir, 'b', store);
    expect([again.get(3), again.get(4)]).toEqual(['three.png', 'four.png']);
  });
});
