import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { starterWorkflow } from '../../../main/comfy/starter';
import { parseWorkflow, serializeWorkflow, UI_FORMAT_MESSAGE } from '../../../main/comfy/workflow-parse';
import { thrown } from './support';

const starterText = readFileSync(new URL('../../../main/comfy/starter-workflow.json', import.meta.url), 'utf8');

describe('parseWorkflow', () => {
  it('reads the starter sample from its JSON text', () => {
    const workflow = parseWorkflow(starterText);
    expect(Object.keys(workflow).sort()).toEqual(['3', '4', '5', '6', '7', '8', '9']);
    expect(workflow['3']?.class_type).toBe('KSampler');
    expect(workflow['3']?.inputs.seed).toBe(156680208700286);
    expect(workflow['3']?.inputs.model).toEqual(['4', 0]);
    expect(workflow['9']?._meta?.title).toBe('Save Image');
  });

  it('reads an already-parsed object the same way as text', () => {
    expect(parseWorkflow(JSON.parse(starterText))).toEqual(parseWorkflow(starterText));
  });

  it('unwraps the {"prompt": workflow} body that POST /prompt takes', () => {
    const body = JSON.stringify({ prompt: JSON.parse(starterText) as unknown, client_id: 'abc', extra_data: {} });
    expect(parseWorkflow(body)).toEqual(parseWorkflow(starterText));
  });

  it('does not mistake a node whose id is "prompt" for the wrapper', () => {
    const workflow = parseWorkflow({ prompt: { class_type: 'SaveImage', inputs: {} } });
    expect(workflow.prompt?.class_type).toBe('SaveImage');
  });

  it.each([
    ['nodes and links arrays', { last_node_id: 9, nodes: [{ id: 3, type: 'KSampler' }], links: [[1, 4, 0, 3, 0]] }],
    ['a {workflow: …} wrapper', { workflow: { nodes: [], links: [], version: 0.4 } }],
    ['extra.ds only', { extra: { ds: { scale: 1, offset: [0, 0] } }, groups: [] }],
    ['a /prompt body holding the UI format', { prompt: { nodes: [], links: [] } }],
  ])('refuses the UI format (%s) and says to use Workflow → Export (API)', (_name, value) => {
    const error = thrown(() => parseWorkflow(JSON.stringify(value)));
    expect(error.message).toBe(UI_FORMAT_MESSAGE);
    expect(error.message).toContain('Workflow → Export (API)');
    expect(error.message).toMatch(/dev mode/i);
  });

  it('refuses malformed JSON with the line and column', () => {
    const error = thrown(() => parseWorkflow('{"3": {"class_type": "KSampler",\n "inputs": {seed: 1}}}'));
    expect(error.message).toContain('not valid JSON');
    expect(error.message).toContain('line 2');
  });

  it.each([
    ['an array', '[1, 2]'],
    ['a string', '"KSampler"'],
    ['null', 'null'],
  ])('refuses %s at the top level', (_name, text) => {
    expect(thrown(() => parseWorkflow(text)).message).toContain('not a ComfyUI workflow');
  });

  it('refuses a node that is not an object, naming it', () => {
    const error = thrown(() => parseWorkflow({ '3': 'KSampler' }));
    expect(error.node).toBe('3');
    expect(error.message).toContain('Node 3');
  });

  it('refuses a node without inputs', () => {
    const error = thrown(() => parseWorkflow({ '3': { class_type: 'KSampler' } }));
    expect(error.node).toBe('3');
    expect(error.message).toContain('"inputs"');
  });

  it('refuses an input holding a number JSON cannot carry exactly (1e400)', () => {
    const error = thrown(() => parseWorkflow('{"3": {"class_type": "KSampler", "inputs": {"cfg": 1e400}}}'));
    expect(error.node).toBe('3');
    expect(error.input).toBe('cfg');
  });

  it('keeps 18446744073709551615 exact through parse and serialise', () => {
    const text = starterText.replace('156680208700286', '18446744073709551615');
    const workflow = parseWorkflow(text);
    expect(workflow['3']?.inputs.seed).toBe(18446744073709551615n);
    expect(serializeWorkflow(workflow)).toContain('"seed":18446744073709551615');
    expect(parseWorkflow(serializeWorkflow(workflow, 2))).toEqual(workflow);
  });
});

describe('starterWorkflow', () => {
  it('is the vendor sample, a fresh copy each time', () => {
    const a = starterWorkflow();
    const b = starterWorkflow();
    expect(a).toEqual(parseWorkflow(starterText));
    expect(a).not.toBe(b);
    expect(a['3']).not.toBe(b['3']);
  });

  it('carries Chinese titles for the zh-CN locale and nothing else differs', () => {
    const zh = starterWorkflow('zh-CN');
    expect(zh['3']?._meta?.title).toBe('K采样器');
    expect(zh['4']?._meta?.title).toBe('Checkpoint加载器(简易)');
    expect(zh['5']?._meta?.title).toBe('空Latent');
    for (const [id, node] of Object.entries(starterWorkflow())) {
      expect(zh[id]?.inputs).toEqual(node.inputs);
      expect(zh[id]?.class_type).toBe(node.class_type);
    }
  });
});
