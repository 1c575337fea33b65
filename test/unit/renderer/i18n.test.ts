// Both translations must offer the same strings: a key missing in one language shows the raw key to the artist.
// The files are read from disk (tests may not import renderer modules; eslint.config.js draws that boundary).
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = resolve(import.meta.dirname, '../../../renderer/i18n');

type Tree = { [key: string]: Tree | string };

function load(file: string): Tree {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Tree;
}

/** Every leaf as `a.b.c` → value; a value that is neither text nor a group is reported as such. */
function flatten(tree: Tree, prefix = ''): Map<string, unknown> {
  const leaves = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [leaf, text] of flatten(value, path)) leaves.set(leaf, text);
    } else {
      leaves.set(path, value);
    }
  }
  return leaves;
}

/** `{{name}}` placeholders: a translation that drops one loses the value it should show. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1] ?? '').sort();
}

/**
 * Keys whose Chinese is rightly the same as the English: names (the product, ComfyUI, OSS, the console's own field
 * names), numbers and paths. Anything else left equal to the English is an untranslated string.
 */
const SAME_IN_BOTH = new Set([
  'app.name',
  'services.card.token',
  'services.health.version',
  'services.form.endpoint',
  'services.form.token',
  'services.form.ossEndpoint',
  'services.form.ossAccessKeyId',
  'servicesGpu.form.accessKeyId',
  'servicesGpu.card.label',
  'services.codeSubjects.oss',
  'compose.kind.cfg',
  'queue.job.progress',
  'gallery.meta.cfg',
  'gallery.oss.path',
  'settings.appearance.languages.en',
  'settings.appearance.languages.zh-CN',
]);

const en = flatten(load('en.json'));
const zh = flatten(load('zh-CN.json'));

describe('renderer translations', () => {
  it('ship exactly English and Simplified Chinese', () => {
    expect(
      readdirSync(dir)
        .filter((file) => file.endsWith('.json'))
        .sort(),
    ).toEqual(['en.json', 'zh-CN.json']);
  });

  it('have exactly the same keys in en and zh-CN', () => {
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
  });

  it('have no empty or non-text values', () => {
    for (const [language, leaves] of [
      ['en', en],
      ['zh-CN', zh],
    ] as const) {
      const bad = [...leaves].filter(([, value]) => typeof value !== 'string' || value.trim() === '');
      expect(bad.map(([key]) => `${language}: ${key}`)).toEqual([]);
    }
  });

  it('translate every string into Chinese, except the names listed as data', () => {
    const untranslated = [...en].filter(([key, text]) => zh.get(key) === text && !SAME_IN_BOTH.has(key));
    expect(untranslated.map(([key]) => key)).toEqual([]);
    // The list names no key that is gone or that was translated after all.
    expect([...SAME_IN_BOTH].filter((key) => !en.has(key) || zh.get(key) !== en.get(key))).toEqual([]);
  });

  it('keep every {{placeholder}} in both languages', () => {
    for (const [key, text] of en) {
      expect(placeholders(String(zh.get(key))), key).toEqual(placeholders(String(text)));
    }
  });

  it('translate the page names into Chinese', () => {
    expect(['services', 'compose', 'queue', 'gallery', 'settings'].map((page) => zh.get(`nav.${page}`))).toEqual([
      '服务',
      '创作',
      '队列',
      '图库',
      '设置',
    ]);
  });
});
