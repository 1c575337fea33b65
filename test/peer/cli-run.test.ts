// `artlab run` end to end against a real ComfyUI, as a child process: a seeded model-free workflow, three jobs with
// random seeds, three PNGs in --out, exit 0.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
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

  it('runs a folder of input images through LoadImage → ImageInvert, one job each', async () => {
    const photos = join(dir, 'photos');
    mkdirSync(photos);
    // Colours of this run only, so that ComfyUI's input folder cannot already hold them.
    const base = Math.floor(Math.random() * 200);
    for (const [i, red] of [base, base + 50].entries()) {
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: red, g: 7, b: 9 } } })
        .png()
        .toBuffer();
      writeFileSync(join(photos, `photo-${i}.png`), png);
    }
    const workflow = join(dir, 'invert-input.json');
    writeFileSync(
      workflow,
      serializeWorkflow({
        '1': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
        '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
        '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'peer-cli-input' } },
      }),
    );
    const out = join(dir, 'out-input');
    const result = await runCli(['run', workflow, '--url', comfyUrl(), '--image', `1=${photos}`, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(out).filter((name) => name.startsWith('peer-cli-input'))).toHaveLength(2);
  });
});
