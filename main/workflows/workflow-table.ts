// The workflow library's table: workflows the artist imported (JSON or a ComfyUI PNG) or the built-in starter.
// Stored with the bigint-safe writer, so a seed beyond 2^53 comes back exact.

import type { Database } from 'better-sqlite3';
import { parseWorkflow, serializeWorkflow } from '../comfy/workflow-parse';
import type { ApiWorkflow } from '../comfy/workflow-types';
import { NotFoundError, ValidationError } from '../errors';
import { parseJsonColumn, parseWorkflowRow, type WorkflowSource } from '../ledger/ledger-rows';

export interface WorkflowRecord {
  id: string;
  name: string;
  workflow: ApiWorkflow;
  source: WorkflowSource;
  createdAt: number;
  updatedAt: number;
}

export interface NewWorkflow {
  name: string;
  workflow: ApiWorkflow;
  source: WorkflowSource;
}

function toWorkflowRecord(row: unknown): WorkflowRecord {
  const r = parseWorkflowRow(row);
  return {
    id: r.id,
    name: r.name,
    workflow: parseWorkflow(parseJsonColumn(r.json, 'workflow')),
    source: r.source,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function checkedName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new ValidationError('A workflow needs a name.').withCode('workflow-name-missing');
  return trimmed;
}

export class WorkflowTable {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    private readonly newId: () => string,
  ) {}

  create(input: NewWorkflow): WorkflowRecord {
    const id = this.newId();
    const now = this.now();
    this.db
      .prepare('INSERT INTO workflows (id, name, json, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, checkedName(input.name), serializeWorkflow(input.workflow), input.source, now, now);
    return this.get(id);
  }

  get(id: string): WorkflowRecord {
    const row: unknown = this.db.prepare('SELECT * FROM workflows WHERE id = ?').get(id);
    if (row === undefined) {
      throw new NotFoundError('This workflow is no longer in the library. Import it again.').withCode(
        'workflow-gone-import',
      );
    }
    return toWorkflowRecord(row);
  }

  /** Every workflow by name; a library holds tens to hundreds, so no paging. */
  list(): WorkflowRecord[] {
    const rows: unknown[] = this.db.prepare('SELECT * FROM workflows ORDER BY name COLLATE NOCASE, id').all();
    return rows.map(toWorkflowRecord);
  }

  rename(id: string, name: string): WorkflowRecord {
    const changed = this.db
      .prepare('UPDATE workflows SET name = ?, updated_at = ? WHERE id = ?')
      .run(checkedName(name), this.now(), id).changes;
    if (changed === 0) throw new NotFoundError('This workflow is no longer in the library.').withCode('workflow-gone');
    return this.get(id);
  }

  /** Batches keep their jobs (each job stores the workflow it sent); they only lose the link to the library. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM workflows WHERE id = ?').run(id).changes > 0;
  }
}
