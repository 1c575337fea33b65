// `artlab run` refuses bad input before it starts anything, with exit 2 and a sentence that says what to fix: a
// workflow file that is not there, binary junk given as prompts, a token given as a flag, and an API-edition run
// without the OSS output location its images would come from.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli-process';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-cli-inputs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const url = 'http://127.0.0.1:9/';

describe('artlab run input checks', () => {
  it('names a missing workflow file instead of printing ENOENT', async () => {
    const run = await runCli(['run', join(dir, 'missing.json'), '--url', url, '--out', dir]);
    expect(run.stderr).toMatch(/there is no file .*missing\.json\. Check the path/);
    expect(run.stderr).not.toContain('ENOENT');
    expect(run.code).toBe(2);
  }, 30_000);

  it('refuses binary junk as --prompts before queueing anything', async () => {
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00, 0xfe, 0x80]));
    const run = await runCli(['run', 'starter', '--url', url, '--prompts', junk, '--out', dir]);
    expect(run.stderr).toMatch(/--prompts .*not UTF-8 text/);
    expect(run.code).toBe(2);
  }, 30_000);

  it('refuses an API-edition run without --oss: its results are only on OSS', async () => {
    const run = await runCli(['run', 'starter', '--url', `${url}api/predict/comfy`, '--out', dir, '--json']);
    expect(run.stderr).toContain('needs an OSS output location');
    expect(run.stderr).toContain('--oss');
    expect(run.stdout).not.toContain('"type":"job"');
    expect(run.code).toBe(2);
  }, 30_000);

  it('answers --token with --token-env', async () => {
    const run = await runCli(['run', 'starter', '--url', url, '--token', 'secret', '--out', dir]);
    expect(run.stderr).toContain('Use --token-env VAR');
    expect(run.stderr).not.toContain('positional');
    expect(run.code).toBe(2);
  }, 30_000);
});
