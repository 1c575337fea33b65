// `artlab run` end to end against a real ComfyUI, as a child process: a seeded model-free workflow, three jobs with
// random seeds, three PNGs in --out, exit 0.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeWorkflow } from '../../main/comfy/workflow-parse';
import { runCli } from '../integration/support/cli-process';
import { PNG_SIGNATURE } from '../integration/support/exclusive-rig';
import { comfyUrl, noiseWorkflow } from './support/peer-service';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-peer-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('artlab run on a real ComfyUI', () => {
  it('runs a seeded model-free workflow 3 times and saves 3 PNGs', async () => {
    const workflow = join(dir, 'grain.json');
    writeFileSync(workflow, serializeWorkflow(noiseWorkflow({ prefix: 'peer-cli' }), 2));
    const out = join(dir, 'out');
    const result = await runCli(['run', workflow, '--url', comfyUrl(), '--count', '3', '--out', out, '--json']);
    expect(result.stderr).toContain('3/3 jobs');
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ total: 3, succeeded: 3, failed: 0 });
    const files = readdirSync(out);
    expect(files).toHaveLength(3);
    for (const name of files) {
      expect(name).toMatch(/^peer-cli_\d{5}_\.png$/);
      expect(readFileSync(join(out, name)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    }
  });
});
