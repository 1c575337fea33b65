// Models and choices read from a service's node catalogue, through the contract as Compose uses it: the form's
// choices, a refresh that shows a model added since the last read, and the refusals worded as codes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { studioCalls } from './support/studio-call';
import { nodeStudio } from './support/node-studio';

let sim: Simulator;
let dir: string;
let studio: Studio;
let now: number;

beforeEach(async () => {
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'artlab-catalogues-'));
  now = Date.UTC(2026, 11, 2, 9, 0, 0);
  studio = nodeStudio(dir, { clock: { now: () => now } });
});
afterEach(async () => {
  await studio.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const { call, failure } = studioCalls(() => studio);

async function exclusiveService(): Promise<string> {
  const service = await call('services.create', {
    name: 'studio box',
    url: sim.info.exclusive.url,
    token: sim.info.exclusive.token,
  });
  return service.id;
}

async function starterId(): Promise<string> {
  const starter = (await call('workflows.list')).find((workflow) => workflow.source === 'starter');
  if (!starter) throw new Error('no starter');
  return starter.id;
}

async function apiService(extra: object = {}) {
  return call('services.create', {
    name: 'api box',
    url: sim.info.queue.url,
    token: sim.info.queue.token,
    oss: {
      location: `oss://${sim.info.oss.bucket}/${sim.info.oss.prefix}/`,
      region: sim.info.oss.region,
      endpoint: sim.info.oss.endpoint,
      credentials: 'own',
      accessKeyId: sim.info.oss.accessKeyId,
      accessKeySecret: sim.info.oss.accessKeySecret,
    },
    ...extra,
  });
}

/** A checkpoint file dropped into the Exclusive service's mounted models folder, as an artist uploads one. */
function addCheckpoint(name: string): void {
  sim.oss.put(`${sim.info.oss.prefix}/models/checkpoints/${name}`, Buffer.from('weights'));
}

const checkpointChoices = (detail: { parameters: { kind: string; choices?: string[] }[] }) =>
  detail.parameters.find((parameter) => parameter.kind === 'checkpoint')?.choices ?? [];

describe('node catalogues per service', () => {
  it('keeps a read until refreshed; a refresh shows a model added since, and says when it was read', async () => {
    const serviceId = await exclusiveService();
    const id = await starterId();
    const first = await call('workflows.get', { id, serviceId });
    expect(first.catalogFrom).toBe('service');
    expect(first.catalogue).toEqual({ serviceId, readAt: now, nodeTypes: expect.any(Number) as number });
    expect(first.catalogue?.nodeTypes).toBeGreaterThan(5);
    const readAt = now;

    addCheckpoint('juggernaut_xl_v9.safetensors');
    now += 3 * 60_000;
    const kept = await call('workflows.get', { id, serviceId });
    expect(checkpointChoices(kept)).not.toContain('juggernaut_xl_v9.safetensors');
    expect(kept.catalogue?.readAt).toBe(readAt);

    const refreshed = await call('workflows.refreshCatalogue', { serviceId });
    expect(refreshed).toEqual({ serviceId, readAt: now, nodeTypes: first.catalogue?.nodeTypes });
    const after = await call('workflows.get', { id, serviceId });
    expect(checkpointChoices(after)).toContain('juggernaut_xl_v9.safetensors');
    expect(after.catalogue?.readAt).toBe(now);
  });

  it('refuses a service without a catalogue, one that is gone, and one that does not answer, with codes', async () => {
    const queue = await apiService();
    expect(await failure('workflows.refreshCatalogue', { serviceId: queue.id })).toMatchObject({
      kind: 'validation',
      code: 'catalogue-none',
      params: { name: 'api box' },
    });
    expect(await failure('workflows.refreshCatalogue', { serviceId: 'no-such-service' })).toMatchObject({
      kind: 'not_found',
      code: 'service-gone',
    });

    // Nothing listens on port 1: the read is refused at once.
    const gone = await call('services.create', {
      name: 'studio box',
      url: 'http://127.0.0.1:1/',
      token: 'secret-token-1',
    });
    const down = await failure('workflows.refreshCatalogue', { serviceId: gone.id });
    expect(down).toMatchObject({ kind: 'validation', code: 'catalogue-unreadable', params: { name: 'studio box' } });
    expect(down.message).not.toContain('secret-token-1');
  });

  it('gives an API-edition service linked to an Exclusive one its choices, refresh and pre-queue checks', async () => {
    const exclusiveId = await exclusiveService();
    const id = await starterId();
    const plain = await apiService();
    const unlinked = await call('workflows.get', { id, serviceId: plain.id });
    expect(unlinked.catalogFrom).toBe('builtin');
    expect(checkpointChoices(unlinked)).toEqual([]);
    expect(unlinked.parameters.find((parameter) => parameter.kind === 'checkpoint')?.control).toBe('text');

    const linked = await call('services.update', { id: plain.id, catalogueFrom: exclusiveId });
    expect(linked.catalogueFrom).toBe(exclusiveId);
    const form = await call('workflows.get', { id, serviceId: plain.id });
    expect(form.catalogFrom).toBe('service');
    expect(form.catalogue?.serviceId).toBe(exclusiveId);
    expect(form.parameters.find((parameter) => parameter.kind === 'sampler')?.choices).toContain('euler');

    addCheckpoint('zavy_chroma_xl.safetensors');
    now += 60_000;
    expect(await call('workflows.refreshCatalogue', { serviceId: plain.id })).toMatchObject({
      serviceId: exclusiveId,
      readAt: now,
    });
    expect(checkpointChoices(await call('workflows.get', { id, serviceId: plain.id }))).toContain(
      'zavy_chroma_xl.safetensors',
    );

    // A checkpoint the linked service lacks is refused before anything is queued on the API-edition service.
    const checkpoint = form.parameters.find((parameter) => parameter.kind === 'checkpoint');
    if (!checkpoint) throw new Error('the starter has a checkpoint');
    const refused = await failure('batches.queue', {
      serviceId: plain.id,
      workflowId: id,
      spec: { set: { [checkpoint.id]: 'not_here.safetensors' } },
    });
    expect(refused).toMatchObject({ kind: 'validation', node: checkpoint.node, input: checkpoint.input });
    expect(await call('batches.list', {})).toEqual([]);

    // Unlinked again (and a link to a service that is not an Exclusive one counts as none): free text.
    expect((await call('services.update', { id: plain.id, catalogueFrom: null })).catalogueFrom).toBeUndefined();
    expect((await call('workflows.get', { id, serviceId: plain.id })).catalogFrom).toBe('builtin');
    const other = await apiService({ name: 'second api box', catalogueFrom: plain.id });
    expect((await call('workflows.get', { id, serviceId: other.id })).catalogFrom).toBe('builtin');

    // Linked to a service that does not answer: the refusal names the service the models are read from.
    const down = await call('services.create', { name: 'down box', url: 'http://127.0.0.1:1/', token: 't' });
    await call('services.update', { id: plain.id, catalogueFrom: down.id });
    expect(await failure('workflows.refreshCatalogue', { serviceId: plain.id })).toMatchObject({
      code: 'catalogue-unreadable',
      params: { name: 'down box' },
    });
  });
});
