// A killed process loses nothing it had promised: the ledger is written first (DESIGN.md rule 4).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../main/ledger/ledger';

const child = fileURLToPath(new URL('../unit/ledger/ledger-crash-child.ts', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-crash-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the child until it has printed `lines` lines, then kills it with SIGKILL; returns what it printed. */
async function runAndKill(file: string, mode: string, lines: number): Promise<string[]> {
  const process_ = spawn(process.execPath, ['--import', 'tsx', child, file, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    process_.once('exit', (_code, signal) => resolve(signal)),
  );
  const printed: string[] = [];
  for await (const line of createInterface({ input: process_.stdout })) {
    printed.push(line);
    if (printed.length === lines) process_.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  return printed;
}

describe('the ledger after a SIGKILL', () => {
  it('holds every identity stored before a send and every result stored before a commit', async () => {
    const file = join(dir, 'ledger.sqlite');
    const printed = await runAndKill(file, 'submit-and-record', 400 + Math.floor(Math.random() * 400));
    const ledger = Ledger.open(file);
    try {
      const sent = printed.filter((line) => line.startsWith('sent '));
      const committed = printed.filter((line) => line.startsWith('committed '));
      expect(sent.length).toBeGreaterThan(100);
      for (const line of sent) {
        const [, id = '', identity] = line.split(' ');
        expect(ledger.getJob(id)?.identity).toBe(identity);
      }
      for (const line of committed) {
        const identity = line.split(' ')[1] ?? '';
        expect(ledger.findJobByIdentity('svc', identity)?.state).toBe('succeeded');
        expect(ledger.recordResult('svc', { identity, external: false, outputs: [] }).isNew).toBe(false);
      }
      // What was in flight at the kill is one of the states recovery knows how to reconcile.
      expect(ledger.unfinishedJobs().every((job) => job.state === 'submitting')).toBe(true);
    } finally {
      ledger.close();
    }
  });

  it('keeps each batch whole or not at all', async () => {
    const file = join(dir, 'ledger.sqlite');
    const printed = await runAndKill(file, 'batches', 3 + Math.floor(Math.random() * 3));
    const ledger = Ledger.open(file);
    try {
      const batches = ledger.pageBatches(1_000);
      expect(batches.length).toBeGreaterThanOrEqual(printed.length);
      for (const batch of batches) expect(ledger.batchSummary(batch.id).counts.pending).toBe(2_000);
    } finally {
      ledger.close();
    }
  });
});
