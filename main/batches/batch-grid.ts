// A batch as an X/Y(/Z) grid, found from the values its jobs were given rather than re-expanded from the spec: the
// ledger's jobs are what ran (a retried or deleted job included), and a spec whose wildcards changed since would
// expand differently. After SwarmUI's Grid Generator: one axis per varied value, labelled by what was varied.
import type { JsonValue } from '../comfy/json-bigint';
import { findParameters, type Parameter } from '../comfy/parameters';
import { nodeTitle, type ApiWorkflow } from '../comfy/workflow-types';
import type { GridJobRow } from '../ledger/ledger-grid';
import type { BatchGridDto, BatchSpecInput } from '../../preload/schemas/jobs';

type Axis = BatchGridDto['axes'][number];

const PROMPT_KINDS = new Set<Parameter['kind']>(['positive', 'prompt']);

function displayText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Seeds that change with every job (random, increasing) would make an axis as long as the batch: not an axis. */
function perJobSeedInputs(spec: BatchSpecInput | undefined, parameters: Parameter[]): Set<string> {
  const mode = spec?.seeds?.mode;
  if (mode !== 'random' && mode !== 'increment') return new Set();
  const targets = spec?.targets?.seed ?? parameters.filter((p) => p.kind === 'seed').map((p) => p.id);
  return new Set(targets);
}

function splitId(id: string): { node: string; input: string } {
  const dot = id.indexOf('.');
  return dot < 0 ? { node: id, input: '' } : { node: id.slice(0, dot), input: id.slice(dot + 1) };
}

export function buildBatchGrid(
  batchId: string,
  rows: readonly GridJobRow[],
  workflow: ApiWorkflow | undefined,
  spec: BatchSpecInput | undefined,
): BatchGridDto {
  const parameters = workflow ? findParameters(workflow) : [];
  const kindOf = new Map(parameters.map((p) => [p.id, p.kind]));
  const skipped = perJobSeedInputs(spec, parameters);

  // Per key: its distinct values in the order jobs first show them, and each job's index into them.
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row.params)))].filter((key) => !skipped.has(key));
  const columns = keys.map((key) => {
    const seen = new Map<string, number>();
    const texts: string[] = [];
    const indexes = rows.map((row) => {
      const text = displayText(row.params[key]);
      let index = seen.get(text);
      if (index === undefined) {
        index = texts.length;
        seen.set(text, index);
        texts.push(text);
      }
      return index;
    });
    return { key, texts, indexes };
  });

  // Keys that split the jobs the same way (zipped sweeps, a prompt sent to two inputs) are one axis.
  const groups = new Map<string, typeof columns>();
  for (const column of columns) {
    if (column.texts.length < 2) continue;
    const signature = column.indexes.join(',');
    groups.set(signature, [...(groups.get(signature) ?? []), column]);
  }

  const axes: (Axis & { indexes: number[] })[] = [...groups.values()].map((group) => {
    const first = group[0];
    const kinds = group.map((column) => kindOf.get(column.key));
    const kind = kinds.every((k) => k !== undefined && PROMPT_KINDS.has(k))
      ? 'prompt'
      : kinds.every((k) => k === 'seed')
        ? 'seed'
        : 'input';
    return {
      kind,
      parameters: group.map((column) => {
        const { node, input } = splitId(column.key);
        return { id: column.key, nodeTitle: workflow ? nodeTitle(workflow, node) : node, input };
      }),
      // One value sent to several inputs (a prompt to two encoders, a seed to two samplers) reads once; zipped
      // sweeps read as their pair, "8 / 8" included.
      values: group.every((column) => column.texts.join('\n') === first?.texts.join('\n'))
        ? (first?.texts ?? [])
        : (first?.texts ?? []).map((_, i) => group.map((column) => column.texts[i] ?? '').join(' / ')),
      indexes: first?.indexes ?? [],
    };
  });

  // The two longest axes are X and Y by default; ties keep the order the jobs vary in (a prompt before a sweep).
  const byLength = axes.map((axis, i) => ({ i, n: axis.values.length })).sort((a, b) => b.n - a.n);
  const defaultAxes = { x: byLength[0]?.i ?? null, y: byLength[1]?.i ?? null };

  const cells = new Map<string, BatchGridDto['cells'][number]>();
  rows.forEach((row, jobIndex) => {
    const coords = axes.map((axis) => axis.indexes[jobIndex] ?? 0);
    const key = coords.join(',');
    let cell = cells.get(key);
    if (!cell) {
      cell = { coords, jobs: [] };
      cells.set(key, cell);
    }
    cell.jobs.push({ jobId: row.jobId, state: row.state, imageId: row.imageId, imageCount: row.imageCount });
  });

  return {
    batchId,
    axes: axes.map(({ kind, parameters: params, values }) => ({ kind, parameters: params, values })),
    defaultAxes,
    cells: [...cells.values()],
  };
}
