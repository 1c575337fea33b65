// The workflow library owns the `workflows` table; batches only lose their link to a deleted workflow.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { starterWorkflow } from '../../../main/comfy/starter';
import { NotFoundError, ValidationError } from '../../../main/errors';
import { openLedgerDatabase } from '../../../main/ledger/ledger-database';
import { WorkflowLibrary } from '../../../main/workflows/workflow-library';
import { ledgerRig, type LedgerRig } from '../ledger/ledger-rig';

let rig: LedgerRig;
let db: Database;
let library: WorkflowLibrary;

beforeEach(() => {
  rig = ledgerRig();
  db = openLedgerDatabase(rig.file);
  let counter = 0;
  library = new WorkflowLibrary(
    db,
    rig.file,
    () => rig.clock.now(),
    () => `wf-${++counter}`,
  );
});

afterEach(() => {
  db.close();
  rig.cleanup();
});

describe('workflow library', () => {
  it('creates, lists by name, renames and deletes workflows; batches keep their jobs', () => {
    const starter = library.create({ name: 'Starter', workflow: starterWorkflow(), source: 'starter' });
    const imported = library.create({ name: ' anime ', workflow: starterWorkflow(), source: 'png' });
    expect(library.list().map((w) => w.name)).toEqual(['anime', 'Starter']);
    expect(library.rename(imported.id, 'Zebra').name).toBe('Zebra');
    expect(() => library.rename(imported.id, '  ')).toThrow(ValidationError);
    const { batch, jobIds } = rig.ledger.createBatch({
      serviceId: 'svc-a',
      workflowId: starter.id,
      label: 'x',
      spec: {},
      jobs: [{ workflow: starter.workflow, params: {} }],
    });
    library.delete(starter.id);
    expect(() => library.get(starter.id)).toThrow(NotFoundError);
    expect(rig.ledger.getBatch(batch.id)?.workflowId).toBeNull();
    expect(rig.ledger.getJob(jobIds[0] ?? '')?.state).toBe('pending');
  });
});
