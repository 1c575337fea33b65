// The artist's workflow library: imported workflows (API-format JSON or a ComfyUI PNG) and the built-in starter. It
// owns the `workflows` table, over the Studio's one database connection.
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { STARTER_WORKFLOW_NAME, type WorkflowSummaryDto } from '../../preload/schemas/jobs';
import { workflowFromPng } from '../comfy/png-metadata';
import { starterWorkflow } from '../comfy/starter';
import { parseWorkflow } from '../comfy/workflow-parse';
import { NotFoundError } from '../errors';
import { withStorage } from '../ledger/storage-errors';
import { WorkflowTable, type NewWorkflow, type WorkflowRecord } from './workflow-table';

export type { NewWorkflow, WorkflowRecord } from './workflow-table';

export type WorkflowImport =
  { json: string; name?: string | undefined } | { pngBase64: string; name?: string | undefined };

export class WorkflowLibrary {
  private readonly table: WorkflowTable;

  constructor(
    db: Database,
    private readonly file: string,
    now: () => number,
    newId: () => string = randomUUID,
  ) {
    this.table = new WorkflowTable(db, now, newId);
  }

  private run<T>(work: () => T): T {
    return withStorage(this.file, work);
  }

  list(): WorkflowRecord[] {
    return this.run(() => this.table.list());
  }

  get(id: string): WorkflowRecord {
    return this.run(() => this.table.get(id));
  }

  create(input: NewWorkflow): WorkflowRecord {
    return this.run(() => this.table.create(input));
  }

  import(input: WorkflowImport): WorkflowRecord {
    const png = 'pngBase64' in input;
    const workflow = png ? workflowFromPng(Buffer.from(input.pngBase64, 'base64')) : parseWorkflow(input.json);
    const name = input.name?.trim() || (png ? 'Workflow from image' : 'Imported workflow');
    return this.create({ name, workflow, source: png ? 'png' : 'import' });
  }

  rename(id: string, name: string): WorkflowRecord {
    return this.run(() => this.table.rename(id, name));
  }

  duplicate(id: string): WorkflowRecord {
    const record = this.get(id);
    return this.create({
      name: `${record.name} (copy)`,
      workflow: record.workflow,
      source: record.source === 'starter' ? 'import' : record.source,
    });
  }

  /** Batches keep their jobs (each job stores the workflow it sent); they only lose the link to the library. */
  delete(id: string): void {
    if (!this.run(() => this.table.delete(id))) {
      throw new NotFoundError('This workflow is no longer in the library.').withCode('workflow-gone');
    }
  }

  /** The built-in starter is in the library (added once; the artist may delete it: it comes back at the next start). */
  ensureStarter(): void {
    if (this.list().some((workflow) => workflow.source === 'starter')) return;
    this.create({ name: STARTER_WORKFLOW_NAME, workflow: starterWorkflow(), source: 'starter' });
  }
}

export function workflowSummary(record: WorkflowRecord): WorkflowSummaryDto {
  return {
    id: record.id,
    name: record.name,
    source: record.source,
    nodeCount: Object.keys(record.workflow).length,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
