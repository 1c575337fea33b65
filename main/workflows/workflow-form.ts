// A workflow's parameters as a form: which control draws each one, with bounds and choices from a service's
// /object_info when one is at hand (an Exclusive service), else only the value the workflow holds.
import type { ParameterFieldDto } from '../../preload/schemas/jobs';
import type { InputSpec, NodeCatalog } from '../comfy/node-catalog';
import { findParameters, type Parameter } from '../comfy/parameters';
import type { ApiWorkflow } from '../comfy/workflow-types';
import { toLiteralDto } from '../comfy/json-dto';

const TEXTAREA_KINDS = new Set<Parameter['kind']>(['positive', 'negative', 'prompt']);
const INTEGER_KINDS = new Set<Parameter['kind']>(['seed', 'steps', 'width', 'height', 'batch_size']);

function bound(value: number | bigint | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'bigint' ? value.toString() : value;
}

function control(parameter: Parameter, spec: InputSpec | undefined): ParameterFieldDto['control'] {
  const { value, kind } = parameter;
  if (TEXTAREA_KINDS.has(kind)) return 'textarea';
  if (typeof value === 'string' && (kind === 'image' || spec?.upload === true)) return 'image';
  const choices = spec?.choices;
  if (typeof value === 'boolean') return 'toggle';
  if (typeof value === 'bigint') return 'integer';
  if (typeof value === 'number') return INTEGER_KINDS.has(kind) || Number.isInteger(value) ? 'integer' : 'number';
  return choices && choices.length > 0 ? 'choice' : 'text';
}

export function parameterForm(workflow: ApiWorkflow, catalog?: NodeCatalog): ParameterFieldDto[] {
  return findParameters(workflow).map((parameter) => {
    const spec = catalog?.get(parameter.classType)?.inputs?.[parameter.input];
    const field: ParameterFieldDto = {
      id: parameter.id,
      node: parameter.node,
      input: parameter.input,
      kind: parameter.kind,
      label: parameter.label,
      nodeTitle: parameter.nodeTitle,
      classType: parameter.classType,
      value: toLiteralDto(parameter.value),
      control: control(parameter, spec),
    };
    // cfg 7.0 arrives as 7: a float input stays a float field when the service says its bounds are fractional.
    if (field.control === 'integer' && !INTEGER_KINDS.has(parameter.kind) && parameter.kind !== 'other') {
      field.control = 'number';
    }
    const min = bound(spec?.min);
    const max = bound(spec?.max);
    if (min !== undefined) field.min = min;
    if (max !== undefined) field.max = max;
    // A number field takes the service's step as it is; an integer field only a whole one.
    const step = spec?.step;
    if (step !== undefined && (field.control === 'number' || (field.control === 'integer' && Number.isInteger(step)))) {
      field.step = step;
    }
    // An image input's choices are the files its input folder held when the catalogue was read: not a list to pick from.
    if (spec?.choices && typeof parameter.value === 'string' && field.control !== 'image') {
      field.choices = [...spec.choices];
    }
    return field;
  });
}
