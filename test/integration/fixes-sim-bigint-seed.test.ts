// Both simulated editions keep a 64-bit seed exact, as ComfyUI's Python does: the starter sent with seed 2^64 - 1
// comes back with all its digits in the PNG's `prompt` text chunk (and in the Exclusive history), not rounded to
// 18446744073709552000 as JSON.parse would make it.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJson } from '../../main/comfy/json-bigint';
import { readPngText } from '../../main/comfy/png-metadata';
import { starterWorkflow } from '../../main/comfy/starter';
import type { EditionResult } from '../../main/editions/edition';
import { buildServiceTarget } from '../../main/editions/service-editions';
import { mountKey } from '../sim/exclusive/output-naming';
import { startSimulator, type Simulator } from '../sim/index';
import { settingsFor } from '../unit/dispatch/scheduler-rig';

const SEED = 18446744073709551615n;

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Sends the starter with SEED through the app's own client of the edition; the identity and the first output. */
async function runStarter(simulator: Simulator, edition: 'exclusive' | 'queue') {
  const identity = randomUUID();
  const { edition: client } = buildServiceTarget(settingsFor(simulator, edition), {
    ownsIdentity: (id) => id === identity,
  });
  const workflow = starterWorkflow();
  const sampler = workflow['3'];
  if (!sampler) throw new Error('the starter has a KSampler');
  sampler.inputs = { ...sampler.inputs, seed: SEED };
  try {
    const done = new Promise<EditionResult>((resolve) =>
      client.start((result) => {
        if (result.identity === identity) resolve(result);
        return Promise.resolve();
      }),
    );
    await client.submit({ jobId: 'seed-job', identity, workflow });
    const result = await done;
    const file = result.outputs[0];
    if (!file) throw new Error(`no output: ${JSON.stringify(result.error ?? null)}`);
    return { identity, file };
  } finally {
    await client.close();
  }
}

function seedInPng(simulator: Simulator, file: { filename: string; subfolder: string }): unknown {
  const stored = simulator.oss.get(mountKey(simulator.info.oss.prefix, 'output', file.subfolder, file.filename));
  if (!stored) throw new Error(`${file.filename} is not in the bucket`);
  const text = readPngText(stored.bytes).get('prompt');
  if (text === undefined) throw new Error('no prompt chunk');
  expect(text).toContain('"seed": 18446744073709551615');
  const prompt = parseJson(text) as Record<string, { inputs: Record<string, unknown> }>;
  return prompt['3']?.inputs.seed;
}

describe('a seed beyond 2^53 in the simulator', () => {
  it('stays exact through the Exclusive edition: PNG prompt chunk and /history', async () => {
    sim = await startSimulator({ stepMs: 1 });
    const { identity, file } = await runStarter(sim, 'exclusive');
    expect(seedInPng(sim, file)).toBe(SEED);

    const res = await fetch(new URL(`history/${identity}`, sim.info.exclusive.url), {
      headers: { Authorization: sim.info.exclusive.token },
    });
    const history = parseJson(await res.text()) as Record<string, { prompt: [number, string, unknown] }>;
    const prompt = history[identity]?.prompt[2] as Record<string, { inputs: Record<string, unknown> }>;
    expect(prompt['3']?.inputs.seed).toBe(SEED);
  });

  it('stays exact through the API edition: PNG prompt chunk', async () => {
    sim = await startSimulator({ stepMs: 1 });
    const { file } = await runStarter(sim, 'queue');
    expect(seedInPng(sim, file)).toBe(SEED);
  });
});
