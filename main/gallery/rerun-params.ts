// "Re-run with the same parameters": the exact workflow that made an image and the value of each editable parameter,
// for Compose to prefill. From the job's stored (patched) workflow when the ledger still has the job, else from the
// `prompt` chunk ComfyUI wrote into the PNG. Integers beyond 2^53 (seeds) stay exact as decimal text.
import { readFile } from 'node:fs/promises';
import type { RerunParams } from '../../preload/schemas/gallery';
import { stringifyJson } from '../comfy/json-bigint';
import { findParameters } from '../comfy/parameters';
import { workflowFromPng } from '../comfy/png-metadata';
import type { ApiWorkflow } from '../comfy/workflow-types';
import { NotFoundError } from '../errors';
import type { GalleryRow } from './gallery-rows';
import type { ImageCache } from './image-cache';

export interface RerunSources {
  cache: ImageCache;
  /** The job's workflow as it was sent, or undefined when the ledger no longer has the job. */
  jobWorkflow(jobId: string): ApiWorkflow | undefined;
}

export function parameterValues(workflow: ApiWorkflow): RerunParams['values'] {
  const values: RerunParams['values'] = {};
  for (const parameter of findParameters(workflow)) {
    const { value } = parameter;
    // A seed is text even when small, so Compose never shows it through a float.
    values[parameter.id] =
      typeof value === 'bigint' || (parameter.kind === 'seed' && typeof value === 'number') ? value.toString() : value;
  }
  return values;
}

export async function rerunParams(row: GalleryRow, sources: RerunSources): Promise<RerunParams> {
  const fromJob = row.job_id === null ? undefined : sources.jobWorkflow(row.job_id);
  let workflow = fromJob;
  if (!workflow && row.state === 'fetched' && !row.removed && row.path !== null && row.mime === 'image/png') {
    workflow = workflowFromPng(await readFile(sources.cache.absolute(row.path)));
  }
  if (!workflow) {
    throw new NotFoundError(
      `"${row.filename}" has no workflow to run again: its job is gone and the file carries none (only PNGs saved by ComfyUI do).`,
    ).withCode('rerun-no-workflow', { filename: row.filename });
  }
  return {
    serviceId: row.service_id,
    workflowId: fromJob ? row.workflow_id : null,
    workflowJson: stringifyJson(workflow),
    values: parameterValues(workflow),
    source: fromJob ? 'job' : 'png',
  };
}
