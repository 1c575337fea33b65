import { describe, expect, it } from 'vitest';
import { starterWorkflow } from '../../../main/comfy/starter';
import { ServiceError, ValidationError } from '../../../main/errors';
import { promptRejection } from '../../../main/editions/exclusive/prompt-errors';

const label = 'the service “sd”';

function body(nodeErrors: Record<string, unknown>, error: unknown = { type: 'prompt_outputs_failed_validation' }) {
  return JSON.stringify({ error, node_errors: nodeErrors });
}

describe('a 400 from POST /prompt', () => {
  it('names the node by its title, the input and the limit for a value below the minimum', () => {
    const error = promptRejection(
      400,
      body({
        '3': {
          class_type: 'KSampler',
          errors: [
            {
              type: 'value_smaller_than_min',
              message: 'Value 0 smaller than min of 1',
              details: 'steps, 0 < 1',
              extra_info: {
                input_name: 'steps',
                input_config: ['INT', { default: 20, min: 1, max: 10000 }],
                received_value: 0,
              },
            },
          ],
        },
      }),
      starterWorkflow(),
      label,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('KSampler (node 3): steps 0 is below the minimum 1');
    expect((error as ValidationError).node).toBe('3');
    expect((error as ValidationError).input).toBe('steps');
  });

  it('uses the title in the artist’s language and names a missing input', () => {
    const error = promptRejection(
      400,
      body({
        '3': {
          class_type: 'KSampler',
          errors: [
            {
              type: 'required_input_missing',
              message: 'Required input is missing',
              details: 'model',
              extra_info: { input_name: 'model' },
            },
          ],
        },
      }),
      starterWorkflow('zh-CN'),
      label,
    );
    expect(error.message).toContain('K采样器 (node 3): the required input model is missing');
    expect((error as ValidationError).input).toBe('model');
  });

  it('lists every failing node', () => {
    const error = promptRejection(
      400,
      body({
        '3': {
          errors: [
            {
              type: 'value_bigger_than_max',
              extra_info: { input_name: 'cfg', input_config: ['FLOAT', { max: 100 }], received_value: 120 },
            },
          ],
        },
        '4': {
          errors: [
            {
              type: 'value_not_in_list',
              extra_info: { input_name: 'ckpt_name', received_value: 'missing.safetensors' },
            },
          ],
        },
      }),
      starterWorkflow(),
      label,
    );
    expect(error.message).toContain('KSampler (node 3): cfg 120 is above the maximum 100');
    expect(error.message).toContain(
      'Load Checkpoint (node 4): ckpt_name "missing.safetensors" is not one of the choices',
    );
  });

  it('explains a prompt-level error without node errors', () => {
    const error = promptRejection(
      400,
      body({}, { type: 'prompt_no_outputs', message: 'Prompt has no outputs', details: '' }),
      starterWorkflow(),
      label,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('Prompt has no outputs');
    expect(error.message).toContain('Save Image');
  });

  it('turns a body that is not ComfyUI’s into a ServiceError with an excerpt', () => {
    const error = promptRejection(400, '<html>Bad gateway page</html>', starterWorkflow(), label);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).bodyExcerpt).toContain('Bad gateway page');
  });
});
