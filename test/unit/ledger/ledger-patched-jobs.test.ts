// Jobs stored as their patch of the batch's workflow: read back as the full workflow, written a chunk at a time,
// hidden until whole; and jobs written with a full copy before ledger step 5 still read as before.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandBatch } from '../../../main/batches/batch-expansion';
import { queueBatch } from '../../../main/batches/batch-queueing';
import { seededRandomSource } from '../../../main/batches/seed-source';
import { serializeWorkflow } from '../../../main/comfy/workflow-parse';
import { starterWorkflow } from '../../../main/comfy/starter';
import { Ledger } from '../../../main/ledger/ledger';
import { ABANDONED_FILLING_MS, JOBS_PER_TRANSACTION } from '../../../main/ledger/ledger-batches';
import { openLedgerDatabase } from '../../../main/ledger/ledger-database';
import { LEDGER_MIGRATIONS, migrateLedger } from '../../../main/ledger/ledger-migrations';
import { ledgerRig, result, type LedgerRig } from './ledger-rig';

let rig: LedgerRig;
beforeEach(() => {
  rig = ledgerRig();
});
afterEach(() => {
  rig.cleanup();
});

function rawCount(sql: string): number {
  const db = new Database(rig.file, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const spec = {
  prompts: 'a red fox\na blue whale',
  countPerPrompt: 2,
  seeds: { mode: 'increment' as const, start: '9007199254740993' },
};

describe('jobs stored as patches of their batch workflow', () => {
  it('stores the workflow once per batch and reads each job back exactly as the expansion made it', () => {
    const { jobIds } = queueBatch(rig.ledger, { serviceId: 'svc-a', workflow: starterWorkflow(), spec });
    const expected = expandBatch(starterWorkflow(), spec);
    expect(rawCount(`SELECT count(*) AS n FROM jobs WHERE workflow != ''`)).toBe(0);
    expect(jobIds.map((id) => rig.ledger.jobWorkflow(id))).toEqual(expected.map((job) => job.workflow));
    // Seeds beyond 2^53 stay exact through the patch.
    expect(rig.ledger.jobWorkflow(jobIds[3] ?? '')['3']?.inputs.seed).toBe(9007199254740996n);
    expect(rig.ledger.nextPending('svc-a', 10).map((job) => job.workflow)).toEqual(expected.map((job) => job.workflow));
  });

  it('gives a result of a patched job the prompt of its patch in the gallery index', () => {
    const { jobIds } = queueBatch(rig.ledger, { serviceId: 'svc-a', workflow: starterWorkflow(), spec });
    const id = jobIds[2] ?? '';
    rig.ledger.assignIdentity(id, `task-${id}`);
    rig.ledger.recordResult('svc-a', result(`task-${id}`));
    expect(rig.images({ jobId: id })).toMatchObject([{ positive: 'a blue whale', seed: '9007199254740995' }]);
  });

  it('writes a batch larger than one transaction whole, in queue order after the jobs already queued', () => {
    const first = rig.queue(['before']);
    const prompts = Array.from({ length: JOBS_PER_TRANSACTION * 2 + 7 }, (_, i) => `prompt ${i}`);
    const { batch, jobIds } = queueBatch(
      rig.ledger,
      {
        serviceId: 'svc-a',
        workflow: starterWorkflow(),
        spec: { prompts, seeds: { mode: 'random' } },
      },
      { random: seededRandomSource(3) },
    );
    expect(batch.total).toBe(prompts.length);
    expect(rig.ledger.batchSummary(batch.id).counts.pending).toBe(prompts.length);
    const order = rig.ledger.pageJobs({ limit: 500 }).jobs.map((job) => job.id);
    expect(order.slice(0, 3)).toEqual([first.jobIds[0], jobIds[0], jobIds[1]]);
    expect(rig.ledger.getJob(jobIds.at(-1) ?? '')?.params['6.text']).toBe(`prompt ${prompts.length - 1}`);
  });

  it('leaves nothing queued when the expansion fails half-way, and nothing behind', () => {
    const base = starterWorkflow();
    function* failing(): Generator<Record<string, string>> {
      for (let i = 0; i < JOBS_PER_TRANSACTION + 500; i++) yield { '6.text': `prompt ${i}` };
      throw new Error('disk gone');
    }
    expect(() =>
      rig.ledger.createBatch({ serviceId: 'svc-a', label: 'half', spec: {}, workflow: base, patches: failing() }),
    ).toThrow('disk gone');
    expect(rig.ledger.pageBatches(10)).toEqual([]);
    expect(rig.ledger.nextPending('svc-a', 10)).toEqual([]);
    expect(rawCount('SELECT count(*) AS n FROM jobs')).toBe(0);
  });

  it('hides a batch a crashed writer left half-written, and removes it with the next batch once stale', () => {
    // What a process killed between two chunks leaves: the batch row still filling, some of its jobs written.
    const db = openLedgerDatabase(rig.file);
    try {
      const now = rig.clock.now();
      db.prepare(
        `INSERT INTO batches (id, service_id, label, spec, total, created_at, workflow, filling_at)
         VALUES ('crashed', 'svc-a', 'half', '{}', 0, ?, ?, ?)`,
      ).run(now, serializeWorkflow(starterWorkflow()), now);
      const insert = db.prepare(
        `INSERT INTO jobs (id, batch_id, service_id, seq, state, workflow, params, created_at)
         VALUES (?, 'crashed', 'svc-a', ?, 'pending', '', '{}', ?)`,
      );
      for (let i = 0; i < 5; i++) insert.run(`crashed-${i}`, (i + 1) * 1024, now);
    } finally {
      db.close();
    }
    expect(rig.ledger.pageBatches(10)).toEqual([]);
    expect(rig.ledger.nextPending('svc-a', 10)).toEqual([]);
    expect(rig.ledger.nextRetryAt('svc-a')).toBeNull();

    rig.clock.time += ABANDONED_FILLING_MS + 1;
    const next = rig.queue(['after the crash']);
    expect(rig.ledger.nextPending('svc-a', 10).map((job) => job.id)).toEqual(next.jobIds);
    expect(rig.ledger.getBatch('crashed')).toBeUndefined();
    expect(rawCount(`SELECT count(*) AS n FROM jobs WHERE batch_id = 'crashed'`)).toBe(0);
  });
});

describe('a batch read back', () => {
  it('parses its stored spec only when asked: a damaged spec leaves the lists, the summary and its jobs working', () => {
    const { batchId, jobIds } = rig.queue(['a', 'b']);
    const db = new Database(rig.file);
    db.prepare('UPDATE batches SET spec = ? WHERE id = ?').run('{"prompts": ["a", "b"', batchId);
    db.close();
    expect(rig.ledger.pageBatches(10).map((batch) => batch.id)).toEqual([batchId]);
    expect(rig.ledger.batchSummary(batchId).counts.pending).toBe(2);
    expect(rig.ledger.nextPending('svc-a', 10).map((job) => job.id)).toEqual(jobIds);
    expect(() => rig.ledger.getBatch(batchId)?.spec).toThrow(/batch spec/);
  });
});

describe('jobs written before ledger step 5', () => {
  it('keep their full workflow copy and are sent as stored', () => {
    rig.ledger.close();
    const file = rig.file.replace('ledger.sqlite', 'old.sqlite');
    const db = openLedgerDatabase(file);
    const workflow = expandBatch(starterWorkflow(), { prompts: ['an old fox'] })[0]?.workflow ?? {};
    try {
      migrateLedger(db, LEDGER_MIGRATIONS.slice(0, 4));
      db.prepare(
        `INSERT INTO batches (id, service_id, label, spec, total, created_at) VALUES ('old', 'svc-a', 'old', '{}', 1, 1)`,
      ).run();
      db.prepare(
        `INSERT INTO jobs (id, batch_id, service_id, seq, state, workflow, params, created_at)
         VALUES ('old-job', 'old', 'svc-a', 1024, 'pending', ?, '{"6.text":"an old fox"}', 1)`,
      ).run(serializeWorkflow(workflow));
    } finally {
      db.close();
    }
    const ledger = Ledger.open(file);
    try {
      expect(ledger.jobWorkflow('old-job')).toEqual(workflow);
      expect(ledger.nextPending('svc-a', 1).map((job) => job.workflow)).toEqual([workflow]);
      expect(ledger.pageBatches(10).map((batch) => batch.id)).toEqual(['old']);
    } finally {
      ledger.close();
      rig.ledger = Ledger.open(rig.file);
    }
  });
});

describe('the scheduler reads of a large batch', () => {
  function plan(sql: string, ...params: unknown[]): string {
    const db = new Database(rig.file, { readonly: true });
    try {
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      return rows.map((row) => row.detail).join('\n');
    } finally {
      db.close();
    }
  }

  it("finds a service's next retry among the retrying jobs, without reading every pending job", () => {
    queueBatch(rig.ledger, { serviceId: 'svc-a', workflow: starterWorkflow(), spec: { ...spec, countPerPrompt: 500 } });
    // The same statement the ledger runs (ledger-queries.ts nextRetryAt).
    const detail = plan(
      `SELECT min(j.next_attempt_at) AS at FROM jobs j JOIN batches b ON b.id = j.batch_id
       WHERE j.service_id = ? AND j.state = 'pending' AND b.paused = 0 AND b.filling_at IS NULL
         AND j.next_attempt_at IS NOT NULL`,
      'svc-a',
    );
    expect(detail).toContain('USING INDEX jobs_retry');
    expect(rig.ledger.nextRetryAt('svc-a')).toBeNull();
  });
});
