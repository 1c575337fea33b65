// Every code main can send with a sentence has its wording in both languages, so a zh-CN page never falls back to
// main's English. The code lists come from the contract's zod enums, so a new code without wording fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../../main/errors';
import { batchFinishedMessage, presenceLanguage } from '../../../main/presence-messages';
import { ConnectionCodeSchema, ConnectionReasonCodeSchema } from '../../../preload/schemas/connections';
import { JobErrorKindSchema, type JobErrorKind } from '../../../preload/schemas/jobs';
import { ErrorCodeSchema } from '../../../preload/schemas/common';
import {
  CallInfoNoteCodeSchema,
  HealthCodeSchema,
  HealthPartSchema,
  HealthWarningCodeSchema,
  VaultStatusSchema,
} from '../../../preload/schemas/services';

type Tree = { [key: string]: Tree | string };

function load(file: string): Tree {
  return JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../renderer/i18n', file), 'utf8')) as Tree;
}

function text(tree: Tree, path: string): string | undefined {
  let node: Tree | string | undefined = tree;
  for (const key of path.split('.')) node = typeof node === 'object' ? node[key] : undefined;
  return typeof node === 'string' ? node : undefined;
}

const languages = { en: load('en.json'), 'zh-CN': load('zh-CN.json') };

const mainDir = resolve(import.meta.dirname, '../../../main');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The codes main's source names for refusals, `withCode('code'` and `withCode(cond ? 'a' : 'b'`. An unknown code is
 * dropped by the dispatcher, so a misspelt one would reach the renderer as English: each must be in the contract's enum.
 */
function codesNamedInMain(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(mainDir)) {
    const text = readFileSync(file, 'utf8');
    const calls = text.matchAll(/withCode\(\s*(?:[^'()]*\?\s*'([a-z0-9-]+)'\s*:\s*)?'([a-z0-9-]+)'/g);
    for (const match of calls) {
      for (const code of [match[1], match[2]]) if (code) found.set(code, relative(mainDir, file));
    }
  }
  return found;
}

const groups: [string, readonly string[]][] = [
  ['services.codes', HealthCodeSchema.options],
  ['services.codeSubjects', HealthPartSchema.shape.part.options],
  ['services.warningCodes', HealthWarningCodeSchema.options],
  ['services.connectionCodes', ConnectionCodeSchema.options],
  ['services.connectionReasons', ConnectionReasonCodeSchema.options],
  ['queue.errorKinds', JobErrorKindSchema.options],
  ['errors.codes', ErrorCodeSchema.options],
  ['errors.codes', VaultStatusSchema.shape.reasonCode.unwrap().options],
  ['services.pasteNotes', CallInfoNoteCodeSchema.options],
  ['services.pasteNotes.fields', ['url', 'vpcUrl', 'token', 'endpoint', 'serviceId']],
];

describe('coded sentences', () => {
  for (const [group, codes] of groups) {
    it(`word every code of ${group} in English and Simplified Chinese`, () => {
      for (const [language, tree] of Object.entries(languages)) {
        const missing = codes.filter((code) => !text(tree, `${group}.${code}`));
        expect(missing, `${language} ${group}`).toEqual([]);
      }
    });
  }

  it('know every code main names for a refusal', () => {
    const codes = codesNamedInMain();
    expect(codes.size).toBeGreaterThan(50);
    const known = new Set<string>(ErrorCodeSchema.options);
    const unknown = [...codes].filter(([code]) => !known.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(unknown).toEqual([]);
  });

  it('word the Chinese refusals in Chinese', () => {
    const english = ErrorCodeSchema.options.filter(
      (code) => !/[\u4e00-\u9fff]/.test(text(languages['zh-CN'], `errors.codes.${code}`) ?? ''),
    );
    expect(english).toEqual([]);
  });

  it('word the Chinese health sentences in Chinese, naming only values and product names in Latin letters', () => {
    for (const code of HealthCodeSchema.options) {
      const zh = text(languages['zh-CN'], `services.codes.${code}`) ?? '';
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      const latin = zh.replace(/\{\{\w+\}\}/g, '').match(/[A-Za-z]{4,}/g) ?? [];
      expect(
        latin.filter((word) => !['ComfyUI', 'EAS', 'HTTP', 'AccessKey', 'Secret', 'shanghai', 'sink'].includes(word)),
      ).toEqual([]);
    }
  });

  it('know every error kind main has, and no other', () => {
    // Checked by the compiler: a kind added to ErrorKind and not to the contract's enum (or back) fails here.
    const same: [JobErrorKind] extends [ErrorKind] ? ([ErrorKind] extends [JobErrorKind] ? true : false) : false = true;
    expect(same).toBe(true);
  });
});

describe('the batch-finished notification', () => {
  const counts = { label: 'Portraits', total: 6, succeeded: 5, failed: 1 };

  it('speaks the language chosen in Settings', () => {
    expect(batchFinishedMessage(presenceLanguage('zh-CN'), counts)).toEqual({
      title: '批次已完成',
      body: 'Portraits：6 个中 5 个成功，1 个失败。',
    });
    expect(batchFinishedMessage(presenceLanguage('en'), counts)).toEqual({
      title: 'Batch finished',
      body: 'Portraits: 5 of 6 succeeded, 1 failed.',
    });
  });

  it('follows a Chinese system language when the setting is “system”', () => {
    expect(presenceLanguage('system', 'zh-TW')).toBe('zh-CN');
    expect(presenceLanguage('system', 'de-DE')).toBe('en');
    expect(batchFinishedMessage('zh-CN', { ...counts, failed: 0 }).body).toBe('Portraits：6 个中 5 个成功。');
  });
});
