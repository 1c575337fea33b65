import { describe, expect, it } from 'vitest';
import { buildBatchGrid } from '../../../main/batches/batch-grid';
import type { ApiWorkflow } from '../../../main/comfy/workflow-types';
import type { GridJobRow } from '../../../main/ledger/ledger-grid';

const WORKFLOW: ApiWorkflow = {
  '3': { class_type: 'KSampler', inputs: { seed: 1, steps: 20, cfg: 7 }, _meta: { title: 'Sampler' } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'x' } },
};

function row(jobId: string, params: GridJobRow['params'], imageId: number | null = null): GridJobRow {
  return { jobId, state: imageId === null ? 'pending' : 'succeeded', params, imageId, imageCount: imageId ? 1 : 0 };
}

describe('buildBatchGrid', () => {
  it('puts repeats of one combination in the same cell, and a per-job random seed on no axis', () => {
    const rows = [
      row('a', { '3.steps': 4, '3.seed': 11 }, 1),
      row('b', { '3.steps': 4, '3.seed': 12 }),
      row('c', { '3.steps': 8, '3.seed': 13 }, 2),
      row('d', { '3.steps': 8, '3.seed': 14 }),
    ];
    const grid = buildBatchGrid('batch', rows, WORKFLOW, { seeds: { mode: 'random' }, countPerPrompt: 2 });
    expect(grid.axes).toEqual([
      { kind: 'input', parameters: [{ id: '3.steps', nodeTitle: 'Sampler', input: 'steps' }], values: ['4', '8'] },
    ]);
    expect(grid.cells.map((cell) => [cell.coords, cell.jobs.map((job) => job.jobId)])).toEqual([
      [[0], ['a', 'b']],
      [[1], ['c', 'd']],
    ]);
  });

  it('keeps a listed seed as a Seed axis and picks the two longest axes as X and Y', () => {
    const rows: GridJobRow[] = [];
    for (const seed of [1, 2]) {
      for (const steps of [4, 6, 8])
        rows.push(row(`${seed}-${steps}`, { '3.seed': seed, '3.steps': steps, '3.cfg': 7 }));
    }
    const grid = buildBatchGrid('batch', rows, WORKFLOW, { seeds: { mode: 'list', values: [1, 2] } });
    expect(grid.axes.map((axis) => [axis.kind, axis.values])).toEqual([
      ['seed', ['1', '2']],
      ['input', ['4', '6', '8']],
    ]);
    expect(grid.defaultAxes).toEqual({ x: 1, y: 0 });
  });

  it('names a prompt sent to two inputs once', () => {
    const rows = [row('a', { '6.text': 'fox', '7.text': 'fox' }), row('b', { '6.text': 'owl', '7.text': 'owl' })];
    const grid = buildBatchGrid('batch', rows, undefined, undefined);
    expect(grid.axes).toHaveLength(1);
    expect(grid.axes[0]?.values).toEqual(['fox', 'owl']);
  });
});
