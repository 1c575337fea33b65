// The models behind Compose and Queue, without a window: how the form becomes a batch spec (exact big seeds, only
// changed values, builder-owned fields), and how the queue store pages jobs and applies live deltas in place.
import { describe, expect, it } from 'vitest';
import type { BatchSummaryDto, JobDto, WorkflowDetailDto } from '../../../preload/schemas/jobs';
import { pictures } from '../../../renderer/api/input-pictures';
import { draftFromDetail, draftWithValues, specFromDraft } from '../../../renderer/pages/compose/compose-draft';
import { QueueStore, jobSummary, queuePosition } from '../../../renderer/pages/queue/queue-store';

const field = (id: string, kind: string, value: string | number, control: string) => {
  const [node = '', input = ''] = id.split('.');
  return { id, node, input, kind, label: kind, nodeTitle: `Node ${node}`, classType: 'X', value, control };
};

const detail = {
  id: 'wf',
  name: 'Starter',
  source: 'starter',
  nodeCount: 7,
  createdAt: 0,
  updatedAt: 0,
  json: '{}',
  catalogFrom: 'builtin',
  parameters: [
    field('6.text', 'positive', 'a cat', 'textarea'),
    field('7.text', 'negative', 'blurry', 'textarea'),
    field('3.seed', 'seed', '18446744073709551615', 'integer'),
    field('3.steps', 'steps', 20, 'integer'),
    field('3.cfg', 'cfg', 8, 'number'),
    field('3.sampler_name', 'sampler', 'euler', 'choice'),
  ],
} as WorkflowDetailDto;

describe('the Compose draft', () => {
  it('starts from the workflow: its prompt, negative and seed in the builder, nothing changed in set', () => {
    const draft = draftFromDetail(detail);
    expect(draft).toMatchObject({ prompts: 'a cat', negative: 'blurry', seed: '18446744073709551615' });
    expect(specFromDraft(detail, draft)).toEqual({
      set: {},
      countPerPrompt: 1,
      combine: 'product',
      prompts: 'a cat',
      negative: 'blurry',
      seeds: { mode: 'fixed', value: '18446744073709551615' },
    });
  });

  it('sends only changed form values, numbers as numbers and integers beyond 2^53 as exact text', () => {
    const draft = draftFromDetail(detail);
    draft.values['3.steps'] = '30';
    draft.values['3.cfg'] = '6.5';
    draft.seedMode = 'list';
    draft.seedList = '1, 2\n9007199254740993';
    expect(specFromDraft(detail, draft)).toMatchObject({
      set: { '3.steps': 30, '3.cfg': 6.5 },
      seeds: { mode: 'list', values: ['1', '2', '9007199254740993'] },
    });
  });

  it('passes what cannot be parsed as typed, so main names the field that is wrong', () => {
    const draft = draftFromDetail(detail);
    draft.values['3.steps'] = 'many';
    expect(specFromDraft(detail, draft).set).toEqual({ '3.steps': 'many' });
  });

  it('turns sweeps into lists of typed values or ranges, and an invalid count into 1', () => {
    const draft = draftFromDetail(detail);
    draft.count = '0';
    draft.combine = 'zip';
    draft.sweeps = [
      { key: 1, parameter: '3.cfg', mode: 'list', values: '5, 7.5', start: '', stop: '', step: '' },
      { key: 2, parameter: '3.steps', mode: 'range', values: '', start: '10', stop: '30', step: '10' },
    ];
    expect(specFromDraft(detail, draft)).toMatchObject({
      countPerPrompt: 1,
      combine: 'zip',
      sweeps: [
        { parameter: '3.cfg', values: [5, 7.5] },
        { parameter: '3.steps', range: { start: 10, stop: 30, step: 10 } },
      ],
    });
  });

  it('pre-fills from a re-run: prompt, negative and seed to the builder, the rest to the form', () => {
    const draft = draftWithValues(detail, {
      '6.text': 'a dog',
      '7.text': 'dark',
      '3.seed': '12345678901234567890',
      '3.steps': 12,
    });
    expect(draft).toMatchObject({ prompts: 'a dog', negative: 'dark', seed: '12345678901234567890' });
    expect(specFromDraft(detail, draft).set).toEqual({ '3.steps': 12 });
  });
});

const counts = { pending: 0, submitting: 0, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, lost: 0 };
const batch = (id: string, createdAt: number): BatchSummaryDto => ({
  id,
  serviceId: 's',
  workflowId: null,
  label: id,
  total: 2,
  paused: false,
  createdAt,
  counts,
  finished: false,
});
const job = (id: string, batchId: string, seq: number): JobDto => ({
  id,
  batchId,
  serviceId: 's',
  seq,
  state: 'pending',
  identity: null,
  params: { '6.text': `prompt ${id}`, '7.text': 'neg', '3.seed': '42' },
  attempts: 0,
  error: null,
  queueIndex: null,
  progress: null,
  createdAt: 0,
  submittedAt: null,
  startedAt: null,
  finishedAt: null,
  nextAttemptAt: null,
});

describe('the Queue store', () => {
  it('keeps batches newest first and leaves a batch older than every loaded page for its own page', () => {
    const store = new QueueStore();
    store.addBatchPage([batch('b3', 3), batch('b2', 2)], 2);
    store.upsertBatches([batch('b4', 4), batch('b1', 1)]);
    expect(store.batches.map((b) => b.id)).toEqual(['b4', 'b3', 'b2']);
    store.upsertBatches([{ ...batch('b3', 3), paused: true }]);
    expect(store.batches[1]?.paused).toBe(true);
  });

  it('pages jobs once each and applies the latest change to a loaded job only', () => {
    const store = new QueueStore();
    store.appendJobs('b', [job('j1', 'b', 1), job('j2', 'b', 2)], 'cursor');
    store.appendJobs('b', [job('j2', 'b', 2), job('j3', 'b', 3)], null);
    const entry = store.jobs.get('b');
    expect(entry?.jobs.map((j) => j.id)).toEqual(['j1', 'j2', 'j3']);
    expect(entry?.complete).toBe(true);
    const changed = store.applyChanges([
      { id: 'j2', batchId: 'b', serviceId: 's', state: 'running', progress: { value: 3, max: 20, node: '3' } },
      { id: 'j3', batchId: 'b', serviceId: 's', state: 'queued', position: 4, duplicatePossible: true },
      { id: 'elsewhere', batchId: 'x', serviceId: 's', state: 'succeeded' },
    ]);
    expect(changed).toBe(true);
    expect(entry?.jobs[1]).toMatchObject({ state: 'running', progress: { value: 3, max: 20 } });
    expect(entry?.jobs[2]).toMatchObject({ state: 'queued', position: 4, duplicatePossible: true, progress: null });
    store.applyChanges([{ id: 'j2', batchId: 'b', serviceId: 's', state: 'succeeded' }]);
    expect(entry?.jobs[1]).toMatchObject({ state: 'succeeded', progress: null });
  });

  it('shows a queued job\u2019s place only as main last reported it, and none once the job leaves the queue', () => {
    const store = new QueueStore();
    // queueIndex is the service's prompt number, not a place in the queue
    store.appendJobs('b', [{ ...job('j1', 'b', 1), state: 'queued', queueIndex: 6 }], null);
    const shown = () => {
      const loaded = store.jobs.get('b')?.jobs[0];
      return loaded ? queuePosition(loaded) : undefined;
    };
    expect(shown()).toBeNull();
    store.applyChanges([{ id: 'j1', batchId: 'b', serviceId: 's', state: 'queued', position: 1 }]);
    expect(shown()).toBe(1);
    store.applyChanges([{ id: 'j1', batchId: 'b', serviceId: 's', state: 'queued', position: 0 }]);
    expect(shown()).toBe(0);
    store.applyChanges([{ id: 'j1', batchId: 'b', serviceId: 's', state: 'running' }]);
    expect(store.jobs.get('b')?.jobs[0]?.position).toBeUndefined();
    // retried after a failure: queued again, with no place until main reports one
    store.applyChanges([{ id: 'j1', batchId: 'b', serviceId: 's', state: 'pending' }]);
    store.applyChanges([{ id: 'j1', batchId: 'b', serviceId: 's', state: 'queued' }]);
    expect(shown()).toBeNull();
  });

  it('forgets a batch\u2019s jobs so a reload starts from its first page', () => {
    const store = new QueueStore();
    store.appendJobs('b', [job('j1', 'b', 1)], null);
    store.forgetJobs('b');
    expect(store.applyChanges([{ id: 'j1', batchId: 'b', serviceId: 's', state: 'failed' }])).toBe(false);
    expect(store.batchJobs('b')).toMatchObject({ jobs: [], complete: false });
  });

  it('reads a job\u2019s prompt and seed from its parameters', () => {
    expect(jobSummary(job('j', 'b', 1).params)).toEqual({ prompt: 'prompt j', seed: '42', inputs: [] });
  });

  it('names the input images a promptless job was given: by the file chosen, else a short content name', () => {
    const chosen = `artlab-${'a'.repeat(40)}.png`;
    const other = `artlab-${'b'.repeat(40)}.jpg`;
    pictures.set(chosen, { fileName: 'beach.png', url: null });
    expect(jobSummary({ '1.image': chosen, '2.image': other, '3.image': 'example.png' })).toEqual({
      prompt: null,
      seed: null,
      inputs: ['beach.png', 'bbbbbbbb….jpg'],
    });
  });
});
