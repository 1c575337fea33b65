// A refusal of each room crosses the contract as a code with its values beside main's English, so the renderer words
// it in the artist's language (errors.codes in renderer/i18n) while the CLI and the logs keep the English sentence.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodName } from '../../preload/contract';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { nodeStudio } from './support/node-studio';
import { callStudio, studioFailure } from './support/studio-call';

let dir: string;
let studio: Studio;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-coded-refusals-'));
  studio = nodeStudio(dir);
});
afterEach(async () => {
  await studio.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = <M extends MethodName>(method: M, input?: unknown) => callStudio(studio, method, input);

const failure = (method: MethodName, input?: unknown) => studioFailure(studio, method, input);

async function starterId(): Promise<string> {
  const starter = (await call('workflows.list')).find((workflow) => workflow.source === 'starter');
  if (!starter) throw new Error('no starter');
  return starter.id;
}

describe('batch refusals', () => {
  it('name a batch that is gone', async () => {
    expect(await failure('batches.get', { batchId: 'no-such-batch' })).toEqual({
      kind: 'not_found',
      message: 'This batch is no longer in the ledger.',
      code: 'batch-gone',
      params: {},
    });
  });

  it('name the swept parameter whose range has a step of 0', async () => {
    const spec = { sweeps: [{ parameter: '3.steps', range: { start: 10, stop: 20, step: 0 } }] };
    expect(await failure('batches.preview', { workflowId: await starterId(), spec })).toEqual({
      kind: 'validation',
      message: 'The range for "3.steps" has a step of 0: use a step such as 1 or 0.5.',
      code: 'sweep-step-zero',
      params: { parameter: '3.steps' },
    });
  });

  it('name the prompt line whose brace is not closed', async () => {
    const spec = { prompts: 'a red fox\na {blue|green bird' };
    expect(await failure('batches.preview', { workflowId: await starterId(), spec })).toMatchObject({
      kind: 'validation',
      message: expect.stringMatching(/^Prompt 2: a "\{" is not closed/) as string,
      code: 'prompt-brace-unclosed',
      params: { line: 2 },
    });
  });

  it('name the seed that is out of range, and the limit', async () => {
    const spec = { seeds: { mode: 'list', values: ['7', '18446744073709551616'] } };
    expect(await failure('batches.preview', { workflowId: await starterId(), spec })).toMatchObject({
      kind: 'validation',
      code: 'seed-not-in-range',
      params: { value: '18446744073709551616', max: '18446744073709551615' },
    });
  });
});

describe('job refusals', () => {
  it('name a job that is gone', async () => {
    expect(await failure('jobs.get', { jobId: 'no-such-job' })).toEqual({
      kind: 'not_found',
      message: 'This job is no longer in the ledger.',
      code: 'job-gone',
      params: {},
    });
  });
});

describe('workflow refusals', () => {
  it('say where a file stops being JSON', async () => {
    expect(await failure('workflows.import', { name: 'broken', json: '{\n  "3": {' })).toMatchObject({
      kind: 'validation',
      code: 'json-invalid',
      params: { line: 2, column: expect.any(Number) as number },
    });
  });

  it('name the node and input a patch cannot set, with the value', async () => {
    const spec = { set: { '3.steps': 'many' } };
    expect(await failure('batches.preview', { workflowId: await starterId(), spec })).toMatchObject({
      kind: 'validation',
      node: '3',
      input: 'steps',
      code: 'parameter-expects-number',
      params: { id: '3', title: 'KSampler', input: 'steps', value: 'many' },
    });
  });
});

describe('a batch the service catalogue refuses', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('names how many problems it has, and the first one by its own code and values', async () => {
    const service = await call('services.create', {
      name: 'sim',
      url: sim.info.exclusive.url,
      token: sim.info.exclusive.token,
    });
    const spec = { seeds: { mode: 'random' }, set: { '3.steps': 0, '4.ckpt_name': 'not-installed.safetensors' } };
    const refused = await failure('batches.queue', { serviceId: service.id, workflowId: await starterId(), spec });
    expect(refused).toMatchObject({
      kind: 'validation',
      node: '3',
      input: 'steps',
      code: 'workflow-problems',
      params: {
        problems: 2,
        first: 'input-below-minimum',
        id: '3',
        title: 'KSampler',
        input: 'steps',
        value: 0,
        limit: 1,
      },
    });
    expect(refused.message).toMatch(/^The workflow has 2 problems:\n1\. Input "steps"/);
  });
});

describe('gallery refusals', () => {
  it('name an image that is gone', async () => {
    expect(await failure('gallery.get', { id: 424242 })).toEqual({
      kind: 'not_found',
      message: 'This image is no longer in the gallery.',
      code: 'gallery-image-gone',
      params: {},
    });
  });

  it('say that browsing OSS needs an output location', async () => {
    const service = await call('services.create', { name: 'local', url: 'http://127.0.0.1:8188' });
    expect(await failure('gallery.oss.list', { serviceId: service.id })).toMatchObject({
      kind: 'not_found',
      code: 'gallery-oss-missing',
      params: {},
    });
  });
});

describe('OSS refusals', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('name the bucket that does not exist', async () => {
    const { endpoint, region, accessKeyId, accessKeySecret } = sim.info.oss;
    const service = await call('services.create', {
      name: 'API edition',
      url: sim.info.queue.url,
      token: sim.info.queue.token,
      oss: {
        location: 'oss://no-such-bucket/x/',
        region,
        endpoint,
        credentials: 'own',
        accessKeyId,
        accessKeySecret,
      },
    });
    const refused = await failure('gallery.oss.list', { serviceId: service.id });
    expect(refused).toMatchObject({ code: 'oss-bucket-missing', params: { bucket: 'no-such-bucket' } });
    expect(JSON.stringify(refused)).not.toContain(accessKeySecret);
  });
});

describe('service, vault and app refusals', () => {
  it('say there is no weaker vault mode to accept when secrets are stored normally', async () => {
    expect(await failure('vault.acceptWeak')).toMatchObject({
      kind: 'bad_request',
      message: 'There is no weaker mode to accept: secrets are stored normally.',
      code: 'vault-weak-not-offered',
    });
  });

  it('say that updates belong to the desktop app', async () => {
    expect(await failure('updates.restart')).toEqual({
      kind: 'bad_request',
      message: 'Updates are managed by the desktop app.',
      code: 'updates-desktop-only',
      params: {},
    });
  });
});
