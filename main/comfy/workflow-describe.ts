// A flat summary of what a workflow will make, stored beside each image so the gallery can be searched and sorted.

import { findParameters, type Parameter, type ParameterKind } from './parameters';
import type { ApiWorkflow } from './workflow-types';

export interface WorkflowSummary {
  /** All positive prompt texts, joined by a blank line when there are several. */
  positive: string | null;
  negative: string | null;
  /** Decimal text: seeds go up to 2^64 − 1, which neither a JS number nor SQLite INTEGER holds. */
  seed: string | null;
  steps: number | null;
  cfg: number | null;
  sampler: string | null;
  scheduler: string | null;
  model: string | null;
  width: number | null;
  height: number | null;
  batch: number | null;
}

function first(parameters: Parameter[], kind: ParameterKind): Parameter['value'] | undefined {
  return parameters.find((p) => p.kind === kind)?.value;
}

function asNumber(value: Parameter['value'] | undefined): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return null;
}

function asText(value: Parameter['value'] | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

function texts(parameters: Parameter[], kind: ParameterKind): string | null {
  const all = [
    ...new Set(parameters.filter((p) => p.kind === kind && typeof p.value === 'string').map((p) => String(p.value))),
  ];
  return all.length > 0 ? all.join('\n\n') : null;
}

/**
 * The summary of a workflow. Where a kind occurs on several nodes (two samplers), the lowest node id wins. Unlinked
 * prompt texts count as positive when no text was linked as positive.
 */
export function describeWorkflow(workflow: ApiWorkflow): WorkflowSummary {
  const parameters = findParameters(workflow);
  const seed = first(parameters, 'seed');
  return {
    positive: texts(parameters, 'positive') ?? texts(parameters, 'prompt'),
    negative: texts(parameters, 'negative'),
    seed: typeof seed === 'number' || typeof seed === 'bigint' ? seed.toString() : null,
    steps: asNumber(first(parameters, 'steps')),
    cfg: asNumber(first(parameters, 'cfg')),
    sampler: asText(first(parameters, 'sampler')),
    scheduler: asText(first(parameters, 'scheduler')),
    model: asText(first(parameters, 'checkpoint')),
    width: asNumber(first(parameters, 'width')),
    height: asNumber(first(parameters, 'height')),
    batch: asNumber(first(parameters, 'batch_size')),
  };
}
