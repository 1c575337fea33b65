// The files named on the command line: sizes checked before reading, prompts only as UTF-8 text, a missing file named
// as such — each refusal a UsageError (exit 2) that says what to do.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_PROMPTS_BYTES,
  MAX_WORKFLOW_JSON_BYTES,
  readBoundedFile,
  readPromptsFile,
  readWorkflowFile,
} from '../../../main/cli/cli-files';
import { parseRunFlags, UsageError } from '../../../main/cli/run-flags';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-cli-files-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('files named on the command line', () => {
  it('reads a prompts file of UTF-8 text, without its byte order mark', () => {
    expect(readPromptsFile(file('p.txt', '\uFEFFa cat\n一只猫\r\n'))).toBe('a cat\n一只猫\r\n');
  });

  it('refuses binary junk as prompts: invalid UTF-8, or control characters', () => {
    const junk = file('junk.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x01]));
    expect(() => readPromptsFile(junk)).toThrow(UsageError);
    expect(() => readPromptsFile(junk)).toThrow(/not UTF-8 text/);
    const nul = file('nul.txt', 'a cat\u0000\u0001\n');
    expect(() => readPromptsFile(nul)).toThrow(/control characters/);
  });

  it('refuses a prompts file over the limit by its size, before reading it', () => {
    const big = file('big.txt', Buffer.alloc(MAX_PROMPTS_BYTES + 1, 0x61));
    expect(() => readPromptsFile(big)).toThrow(/at most 5 MB is accepted/);
  });

  it('refuses a workflow over the contract limit by its size', () => {
    const big = file('big.json', Buffer.alloc(MAX_WORKFLOW_JSON_BYTES + 1, 0x20));
    expect(() => readWorkflowFile(big)).toThrow(/at most 20 MB is accepted/);
  });

  it('says that a file is missing, not ENOENT', () => {
    expect(() => readWorkflowFile(join(dir, 'nope.json'))).toThrow(/there is no file .*nope\.json\. Check the path/);
    expect(() => readBoundedFile(dir, 10, 'The workflow')).toThrow(UsageError);
  });

  it('--prompts with binary junk is a usage error that names the flag', () => {
    const junk = file('junk2.bin', Buffer.from([0xc3, 0x28, 0xa0, 0xa1]));
    const run = () =>
      parseRunFlags(['starter', '--url', 'http://127.0.0.1:8188/', '--prompts', junk], {}, readPromptsFile);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(/--prompts .*not UTF-8 text/);
  });

  it('refuses --token (and the OSS secrets) with where to put them instead', () => {
    const run = (flag: string) => () =>
      parseRunFlags(['starter', '--url', 'http://h/', flag, 'x'], {}, readPromptsFile);
    expect(run('--token')).toThrow(/--token is not accepted.*--token-env VAR/);
    expect(run('--token=abc')).toThrow(/--token-env/);
    expect(run('--oss-secret')).toThrow(/--oss-secret-env/);
  });

  it('reads --stall-timeout in seconds', () => {
    const flags = parseRunFlags(['starter', '--url', 'http://h/', '--stall-timeout', '7'], {}, readPromptsFile);
    expect(flags.stallTimeoutMs).toBe(7000);
    expect(() => parseRunFlags(['starter', '--url', 'http://h/', '--stall-timeout', '0'], {}, readPromptsFile)).toThrow(
      UsageError,
    );
  });
});
