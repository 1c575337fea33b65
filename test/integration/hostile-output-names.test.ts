// A service names its outputs from the workflow's filename_prefix; a prefix with a direction override or an invisible
// character gives a name that reads as something else ("\u202Egnp.exe_00001_.png" shows as "…exe.png"). Such a name
// is refused where results are read, so it is never stored, shown or fetched.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { starterWorkflow } from '../../main/comfy/starter';
import type { EditionResult } from '../../main/editions/edition';
import { ExclusiveClient } from '../../main/editions/exclusive/exclusive-client';
import { startSimulator, type Simulator } from '../sim/index';

let sim: Simulator;
let client: ExclusiveClient;
const waiting = new Map<string, (result: EditionResult) => void>();
let seed = 5000;

beforeAll(async () => {
  sim = await startSimulator({ workers: 1 });
  client = new ExclusiveClient({
    url: sim.info.exclusive.url,
    token: sim.info.exclusive.token,
    timing: { pollIntervalMs: 100, maxPollIntervalMs: 400 },
    backoff: { initialMs: 20, maxMs: 200 },
  });
  client.start((result) => {
    waiting.get(result.identity)?.(result);
    return Promise.resolve();
  });
});
afterAll(async () => {
  await client.close();
  await sim.close();
});

async function runWithPrefix(prefix: string): Promise<EditionResult> {
  const identity = randomUUID();
  const workflow = starterWorkflow();
  const sampler = workflow['3'];
  const save = workflow['9'];
  if (!sampler || !save) throw new Error('the starter workflow changed');
  sampler.inputs.seed = ++seed;
  save.inputs.filename_prefix = prefix;
  const result = new Promise<EditionResult>((resolve) => waiting.set(identity, resolve));
  await client.submit({ identity, jobId: identity, workflow });
  return result;
}

describe('output names from an Exclusive-edition service', () => {
  it.each([
    ['a right-to-left override', '\u202Egnp.exe', 'U+202E'],
    ['a right-to-left isolate', 'report\u2067fdp.exe', 'U+2067'],
    ['a zero-width space', 'Comfy\u200BUI', 'U+200B'],
    ['a byte-order mark', '\uFEFFComfyUI', 'U+FEFF'],
  ])('refuses a name with %s, and says so without the raw character', async (_what, prefix, code) => {
    const result = await runWithPrefix(prefix);
    expect(result.outputs).toEqual([]);
    expect(result.error).toContain(`invisible or direction-changing character (${code})`);
    expect(result.error).not.toMatch(/[\u200B\u2067\u202E\uFEFF]/);
  });

  it('keeps an ordinary name, Chinese included', async () => {
    const result = await runWithPrefix('夜景/风景');
    expect(result.error).toBeUndefined();
    expect(result.outputs).toMatchObject([
      { subfolder: '夜景', filename: expect.stringMatching(/^风景_\d+_\.png$/) as string },
    ]);
  });
});
