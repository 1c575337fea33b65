// The jobs domain through the contract, as the Compose and Queue pages use it: every call goes through dispatchCall
// (payloads and replies parsed by their schemas) against a Studio and the simulator.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../preload/contract';
import type { Presence } from '../../main/presence';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { studioCalls } from './support/studio-call';
import { nodeStudio } from './support/node-studio';

let sim: Simulator;
let dir: string;
let studio: Studio;
let events: { event: EventName; payload: unknown }[];
let notified: string[];
let progress: (number | null)[];
let waiters: (() => void)[];

beforeEach(async () => {
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'artlab-jobs-module-'));
  notified = [];
  progress = [];
  events = [];
  waiters = [];
  const presence: Presence = {
    notify: (title, body) => notified.push(`${title}: ${body}`),
    setProgress: (fraction) => progress.push(fraction),
    setRunningJobs: () => undefined,
    close: () => undefined,
  };
  studio = nodeStudio(dir, { presence });
  studio.events.subscribe((event, payload) => {
    events.push({ event, payload: JSON.parse(JSON.stringify(payload)) as unknown });
    for (const wake of waiters.splice(0)) wake();
  });
});
afterEach(async () => {
  await studio.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const { call, failure } = studioCalls(() => studio);

function until(test: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (test()) resolve();
      else waiters.push(check);
    };
    check();
  });
}

async function exclusiveService(): Promise<string> {
  const service = await call('services.create', {
    name: 'sim',
    url: sim.info.exclusive.url,
    token: sim.info.exclusive.token,
  });
  return service.id;
}

async function starterId(): Promise<string> {
  const list = await call('workflows.list');
  const starter = list.find((workflow) => workflow.source === 'starter');
  if (!starter) throw new Error('no starter');
  return starter.id;
}

describe('the workflow library', () => {
  it('has the starter built in, with its parameters as a form (choices from the service)', async () => {
    const serviceId = await exclusiveService();
    const id = await starterId();
    const plain = await call('workflows.get', { id });
    expect(plain.catalogFrom).toBe('builtin');
    expect(plain.parameters.find((p) => p.kind === 'positive')?.control).toBe('textarea');
    expect(plain.parameters.find((p) => p.kind === 'seed')?.control).toBe('integer');
    const withService = await call('workflows.get', { id, serviceId });
    expect(withService.catalogFrom).toBe('service');
    const sampler = withService.parameters.find((p) => p.kind === 'sampler');
    expect(sampler?.control).toBe('choice');
    expect(sampler?.choices).toContain('euler');
  });

  it('imports, renames, duplicates and deletes; refuses the UI format with how to export', async () => {
    const id = await starterId();
    const { json } = await call('workflows.get', { id });
    const imported = await call('workflows.import', { name: 'mine', json });
    expect(imported).toMatchObject({ name: 'mine', source: 'import', nodeCount: 7 });
    expect((await call('workflows.rename', { id: imported.id, name: 'portraits' })).name).toBe('portraits');
    const copy = await call('workflows.duplicate', { id: imported.id });
    expect(copy.name).toBe('portraits (copy)');
    await call('workflows.delete', { id: copy.id });
    expect((await call('workflows.list')).map((w) => w.name)).not.toContain('portraits (copy)');
    const refused = await failure('workflows.import', { json: JSON.stringify({ nodes: [], links: [], version: 0.4 }) });
    expect(refused.kind).toBe('validation');
    expect(refused.message).toMatch(/Export \(API\)/);
  });
});

describe('batches', () => {
  it('previews the count and the first expansions, with seeds beyond 2^53 as exact text', async () => {
    const workflowId = await starterId();
    const preview = await call('batches.preview', {
      workflowId,
      spec: { prompts: 'a cat\na dog', seeds: { mode: 'increment', start: '18446744073709551610' }, countPerPrompt: 3 },
      count: 2,
    });
    expect(preview.total).toBe(6);
    expect(preview.large).toBe(false);
    expect(preview.jobs.map((job) => job.seed)).toEqual(['18446744073709551610', '18446744073709551611']);
  });

  it('asks before queueing more than 1,000 jobs', async () => {
    const serviceId = await exclusiveService();
    const workflowId = await starterId();
    const spec = { seeds: { mode: 'random' }, countPerPrompt: 1001 };
    expect((await call('batches.preview', { workflowId, spec })).large).toBe(true);
    const refused = await failure('batches.queue', { serviceId, workflowId, spec });
    expect(refused.kind).toBe('bad_request');
    expect(refused.message).toMatch(/1,001 jobs/);
  });

  it('queues a batch, streams coalesced changes, pages its jobs and announces the finished batch', async () => {
    const serviceId = await exclusiveService();
    const workflowId = await starterId();
    const batch = await call('batches.queue', {
      serviceId,
      workflowId,
      spec: { prompts: ['a red fox', 'a blue owl'], seeds: { mode: 'random' }, countPerPrompt: 3 },
    });
    expect(batch).toMatchObject({ total: 6, finished: false, label: 'a red fox (+1 more prompts)' });
    await until(() => notified.length > 0);
    expect(notified).toEqual(['Batch finished: a red fox (+1 more prompts): 6 of 6 succeeded.']);
    expect(progress.at(-1)).toBeNull();
    const changes = events.filter((e) => e.event === 'jobs.changed');
    expect(changes.length).toBeGreaterThan(0);
    const summaries = events.filter((e) => e.event === 'batches.changed');
    expect(summaries.at(-1)?.payload).toMatchObject({ batches: [{ id: batch.id, finished: true }] });

    const page = await call('jobs.page', { filters: { batchId: batch.id }, limit: 4 });
    expect(page.jobs).toHaveLength(4);
    expect(page.nextCursor).not.toBeNull();
    const rest = await call('jobs.page', { filters: { batchId: batch.id }, cursor: page.nextCursor });
    expect(rest.jobs).toHaveLength(2);
    const detail = await call('jobs.get', { jobId: rest.jobs[0]?.id });
    expect(detail.state).toBe('succeeded');
    expect(typeof detail.params['3.seed']).toBe('string');
    expect(detail.results[0]?.outputs[0]?.filename).toMatch(/\.png$/);
    expect((await call('batches.list', {})).map((b) => b.id)).toContain(batch.id);

    // An output downloaded through the service's edition carries its workflow: importing the PNG brings it back.
    const output = detail.results[0]?.outputs[0];
    if (!output) throw new Error('no output');
    const file = join(dir, 'output.png');
    await studio.editions.edition(serviceId)?.download(output, file);
    const fromPng = await call('workflows.import', { pngBase64: readFileSync(file).toString('base64') });
    expect(fromPng).toMatchObject({ source: 'png', name: 'Workflow from image', nodeCount: 7 });
    const positive = (await call('workflows.get', { id: fromPng.id })).parameters.find((p) => p.kind === 'positive');
    expect(positive?.value).toBe(detail.params['6.text']);
  });

  it('pauses and resumes a batch, and cancels it', async () => {
    const serviceId = await exclusiveService();
    const workflowId = await starterId();
    const batch = await call('batches.queue', {
      serviceId,
      workflowId,
      spec: { seeds: { mode: 'random' }, countPerPrompt: 4 },
    });
    expect((await call('batches.pause', { batchId: batch.id })).paused).toBe(true);
    expect((await call('batches.resume', { batchId: batch.id })).paused).toBe(false);
    const cancelled = await call('batches.cancel', { batchId: batch.id });
    expect(cancelled.counts.pending).toBe(0);
    expect(cancelled.counts.cancelled + cancelled.counts.succeeded + cancelled.counts.running).toBeGreaterThan(0);
  });

  it('reports each service connection, and a refused token pauses sending', async () => {
    const service = await call('services.create', { name: 'bad', url: sim.info.exclusive.url, token: 'wrong' });
    const workflowId = await starterId();
    await call('batches.queue', { serviceId: service.id, workflowId, spec: { seeds: { mode: 'random' } } });
    await until(() =>
      events.some(
        (e) => e.event === 'services.connection' && (e.payload as { dispatchPaused: boolean }).dispatchPaused,
      ),
    );
    const connections = await call('jobs.connections');
    expect(connections.find((c) => c.serviceId === service.id)?.dispatchPaused).toBe(true);
    // Editing the service (a new token) rebuilds its edition: sending resumes.
    await call('services.update', { id: service.id, token: sim.info.exclusive.token });
    await until(() =>
      studio.dispatch.scheduler.connections().some((c) => c.serviceId === service.id && !c.dispatchPaused),
    );
    // Deleting it closes its edition; its jobs stay in the ledger.
    await call('services.delete', { id: service.id });
    await until(() => !studio.dispatch.scheduler.connections().some((c) => c.serviceId === service.id));
    expect((await call('batches.list', {})).some((b) => b.serviceId === service.id)).toBe(true);
  });
});
