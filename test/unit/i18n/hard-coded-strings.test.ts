// Every user-visible string in the renderer goes through t() and exists in both languages: a hard-coded string
// in JSX would show English to a Chinese-speaking artist, and a missing key would show the raw key.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findHardCodedText, findKeyUses } from './jsx-strings';

const root = resolve(import.meta.dirname, '../../..');
const rendererDir = join(root, 'renderer');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

type Tree = { [key: string]: Tree | string };
const load = (language: string) =>
  JSON.parse(readFileSync(join(rendererDir, 'i18n', `${language}.json`), 'utf8')) as Tree;

/** Every leaf key, plus every group key with a trailing dot (what a template prefix like `nav.` can match). */
function keysOf(tree: Tree, prefix = ''): Set<string> {
  const keys = new Set<string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = `${prefix}${key}`;
    if (typeof value === 'string') keys.add(path);
    else {
      keys.add(`${path}.`);
      for (const inner of keysOf(value, `${path}.`)) keys.add(inner);
    }
  }
  return keys;
}

/** i18next plural forms: `count_one`, `count_other` satisfy t('count'). */
function hasKey(keys: Set<string>, key: string): boolean {
  return keys.has(key) || [...keys].some((candidate) => candidate.startsWith(`${key}_`));
}

describe('hard-coded text in JSX', () => {
  const sample = (code: string) => findHardCodedText('sample.tsx', code).map((finding) => finding.text);

  it('flags text children, and literal aria-label, title, placeholder and alt props', () => {
    expect(
      sample(
        `const a = <div title="Tip" aria-label={'Close'}>Hello <img alt="Logo" /><input placeholder={\`Name\`} /></div>;`,
      ),
    ).toEqual(['Tip', 'Close', 'Hello', 'Logo', 'Name']);
  });

  it('flags literals chosen by a condition inside JSX', () => {
    expect(sample(`const a = <p>{busy ? 'Saving' : label ?? 'Untitled'}</p>;`)).toEqual(['Saving', 'Untitled']);
  });

  it('accepts t() calls, punctuation, numbers, symbols and non-text props', () => {
    expect(
      sample(`const a = <p className="muted" data-testid="x" aria-label={t('a.b')} title={t(\`c.\${d}\`)}>
        {t('e.f')} · {count} × 2 — {'…'} <kbd>⌘</kbd></p>;`),
    ).toEqual([]);
  });

  it('accepts example values that read the same in every language: URLs, host names, region ids', () => {
    expect(
      sample(`const a = <><input placeholder="https://…/api/predict/x" /><input placeholder="oss://bucket/prefix/" />
        <input placeholder="cn-shanghai" /><input placeholder="oss-cn-shanghai.aliyuncs.com" /></>;`),
    ).toEqual([]);
    expect(sample(`const a = <input placeholder="Region, e.g. cn-shanghai" />;`)).toEqual(['Region, e.g. cn-shanghai']);
  });

  it('finds none in the renderer', () => {
    const findings = sourceFiles(rendererDir)
      .filter((file) => file.endsWith('.tsx'))
      .flatMap((file) => findHardCodedText(relative(root, file), readFileSync(file, 'utf8')));
    expect(findings.map((f) => `${f.file}:${f.line} ${f.where}: "${f.text}"`)).toEqual([]);
  });
});

describe('translation keys used by the renderer', () => {
  const languages = { en: keysOf(load('en')), 'zh-CN': keysOf(load('zh-CN')) };
  const uses = sourceFiles(rendererDir).flatMap((file) =>
    findKeyUses(relative(root, file), readFileSync(file, 'utf8')),
  );

  it('are read from t() and i18next.t() calls, whole or as a template prefix', () => {
    const code = "t('a.b'); i18next.t(`nav.${page}`); format('not.a.key');";
    expect(findKeyUses('x.ts', code).map((use) => [use.key, use.exact])).toEqual([
      ['a.b', true],
      ['nav.', false],
    ]);
  });

  it('are found in the code (the scan works)', () => {
    expect(uses.some((use) => use.key === 'settings.title')).toBe(true);
  });

  it('exist in both en and zh-CN', () => {
    const missing = Object.entries(languages).flatMap(([language, keys]) =>
      uses
        .filter((use) => (use.exact ? !hasKey(keys, use.key) : ![...keys].some((key) => key.startsWith(use.key))))
        .map((use) => `${language}: ${use.key}${use.exact ? '' : '*'} (${use.file}:${use.line})`),
    );
    expect(missing).toEqual([]);
  });
});
