// A batch checked against the service's node catalogue (its /object_info) before anything is stored or sent: a
// checkpoint the service lacks or a value out of range would otherwise fail every paid job, one by one.
import { ValidationError } from '../errors';
import type { NodeCatalog } from '../comfy/node-catalog';
import { assertValidWorkflow, validateInputValue } from '../comfy/workflow-validate';
import { patchWorkflow, resolveParameterId } from '../comfy/workflow-patch';
import type { ApiWorkflow } from '../comfy/workflow-types';
import type { JobPlan } from './batch-expansion';
import { MAX_SEED } from './seed-source';

/**
 * Checks one job after another against the catalogue, as they are stored: the whole workflow once (at the first job),
 * then each value a job sets, each distinct value once. Throws the first problem as a ValidationError at its field.
 */
export function jobValidator(workflow: ApiWorkflow, catalog: NodeCatalog): (plan: JobPlan) => void {
  const checked = new Set<string>();
  let first = true;
  return (plan) => {
    if (first) {
      assertValidWorkflow(patchWorkflow(workflow, plan.patch), { catalog });
      first = false;
    }
    for (const [id, value] of Object.entries(plan.patch)) {
      const key = `${id}\u0000${typeof value}:${String(value)}`;
      if (checked.has(key)) continue;
      checked.add(key);
      const target = resolveParameterId(workflow, id);
      const entry = target ? workflow[target.node] : undefined;
      if (!target || !entry) continue; // the expansion has already refused unknown ids
      const alone = patchWorkflow({ [target.node]: entry }, { [id]: value });
      const problem = validateInputValue(alone, target.node, target.input, catalog);
      if (problem) {
        const refusal = new ValidationError(`Job ${plan.index + 1}: ${problem.message}`, problem.node, problem.input);
        // The problem's own sentence, with the job it was found in.
        if (problem.code) refusal.withCode(problem.code, { ...problem.params, job: plan.index + 1 });
        throw refusal;
      }
    }
  };
}

/**
 * The largest seed every one of `seedInputs` accepts, as ComfyUI's "randomize" draws within the widget's bounds: a
 * custom node may cap its seed at 2^32 − 1. Undefined when the catalogue says nothing tighter than 2^64 − 1.
 */
export function randomSeedBound(
  workflow: ApiWorkflow,
  seedInputs: readonly string[],
  catalog: NodeCatalog,
): bigint | undefined {
  let bound = MAX_SEED;
  for (const id of seedInputs) {
    const target = resolveParameterId(workflow, id);
    const classType = target ? workflow[target.node]?.class_type : undefined;
    const max = target && classType ? catalog.get(classType)?.inputs?.[target.input]?.max : undefined;
    if (max === undefined) continue;
    const whole = typeof max === 'bigint' ? max : Number.isFinite(max) ? BigInt(Math.floor(max)) : MAX_SEED;
    if (whole >= 0n && whole < bound) bound = whole;
  }
  return bound < MAX_SEED ? bound : undefined;
}
