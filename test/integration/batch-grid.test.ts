// batches.grid through the contract against a Studio and the simulator's Exclusive ComfyUI: the axes are the values
// the jobs varied in (zipped sweeps as one axis), and each cell holds its job, its state and its first image.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchGridDto } from '../../preload/schemas/jobs';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { finishedBatches } from './support/finished-batches';
import { nodeStudio } from './support/node-studio';
import { studioCalls } from './support/studio-call';

let sim: Simulator;
let dir: string;
let studio: Studio;
let finishedBatch: (batchId: string) => Promise<void>;

beforeEach(async () => {
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'artlab-batch-grid-'));
  studio = nodeStudio(dir);
  finishedBatch = finishedBatches(studio);
});
afterEach(async () => {
  await studio.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const { call } = studioCalls(() => studio);

async function queue(spec: Record<string, unknown>): Promise<string> {
  const serviceId = (
    await call('services.create', { name: 'sim', url: sim.info.exclusive.url, token: sim.info.exclusive.token })
  ).id;
  const starter = (await call('workflows.list', {})).find((workflow) => workflow.source === 'starter');
  if (!starter) throw new Error('no starter workflow');
  const batch = await call('batches.queue', { serviceId, workflowId: starter.id, spec });
  await finishedBatch(batch.id);
  return batch.id;
}

function cellAt(grid: BatchGridDto, coords: number[]): BatchGridDto['cells'][number] | undefined {
  return grid.cells.find((cell) => cell.coords.join(',') === coords.join(','));
}

describe('a batch grid', () => {
  it('lays 3 prompts × 2 swept steps out as two axes, a failed prompt as failed cells', async () => {
    const batchId = await queue({
      prompts: ['a red fox', 'a __fail__ cat', 'a blue bird'],
      dynamicPrompts: 'off',
      seeds: { mode: 'fixed', value: 7 },
      sweeps: [{ parameter: '3.steps', values: [4, 6] }],
    });
    const grid = await call('batches.grid', { batchId });

    expect(grid.axes).toHaveLength(2);
    const [prompt, steps] = grid.axes;
    expect(prompt).toMatchObject({ kind: 'prompt', values: ['a red fox', 'a __fail__ cat', 'a blue bird'] });
    expect(steps).toMatchObject({
      kind: 'input',
      parameters: [{ id: '3.steps', nodeTitle: 'KSampler', input: 'steps' }],
      values: ['4', '6'],
    });
    expect(grid.defaultAxes).toEqual({ x: 0, y: 1 });
    expect(grid.cells).toHaveLength(6);

    for (const p of [0, 2]) {
      for (const s of [0, 1]) {
        const jobs = cellAt(grid, [p, s])?.jobs ?? [];
        expect(jobs).toHaveLength(1);
        expect(jobs[0]).toMatchObject({ state: 'succeeded', imageCount: 1 });
        expect(jobs[0]?.imageId).toEqual(expect.any(Number));
      }
    }
    for (const s of [0, 1]) {
      expect(cellAt(grid, [1, s])?.jobs).toEqual([
        expect.objectContaining({ state: 'failed', imageId: null, imageCount: 0 }),
      ]);
    }
  });

  it('makes zipped sweeps one axis of paired values', async () => {
    const batchId = await queue({
      seeds: { mode: 'fixed', value: 7 },
      sweeps: [
        { parameter: '3.steps', values: [4, 6, 8] },
        { parameter: '3.cfg', values: [5, 6.5, 8] },
      ],
      combine: 'zip',
    });
    const grid = await call('batches.grid', { batchId });
    expect(grid.axes).toEqual([
      {
        kind: 'input',
        parameters: [
          { id: '3.steps', nodeTitle: 'KSampler', input: 'steps' },
          { id: '3.cfg', nodeTitle: 'KSampler', input: 'cfg' },
        ],
        values: ['4 / 5', '6 / 6.5', '8 / 8'],
      },
    ]);
    expect(grid.defaultAxes).toEqual({ x: 0, y: null });
    expect(grid.cells.map((cell) => cell.coords)).toEqual([[0], [1], [2]]);
  });

  it('makes a product of the same sweeps two axes, random seeds no axis', async () => {
    const batchId = await queue({
      seeds: { mode: 'random' },
      sweeps: [
        { parameter: '3.steps', values: [4, 6, 8] },
        { parameter: '3.cfg', values: [5, 8] },
      ],
    });
    const grid = await call('batches.grid', { batchId });
    expect(grid.axes.map((axis) => [axis.parameters.map((p) => p.id), axis.values])).toEqual([
      [['3.steps'], ['4', '6', '8']],
      [['3.cfg'], ['5', '8']],
    ]);
    expect(grid.cells).toHaveLength(6);
    expect(cellAt(grid, [2, 1])?.jobs[0]?.state).toBe('succeeded');
  });
});
