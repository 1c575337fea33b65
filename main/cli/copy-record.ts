// Which images of a batch are already in --out, kept in the data folder so that a rerun does not copy them twice. One
// line is appended per copy (a JSON object: image id and file name): recording the 10,000th image costs what the first
// did, where rewriting the whole record each time grew with the batch. A line cut short by a crash is skipped on
// reading; that image is then copied again under a new name, never over the first.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { KeyValueStore } from '../adapters';
import type { CopyRecord } from './batch-follower';

const Line = z.object({ image: z.number().int(), file: z.string().min(1) });

/** The record of `batchId`'s copies under `dataDir`, with what an earlier version kept in the settings store. */
export function openCopyRecord(dataDir: string, batchId: string, store?: KeyValueStore): CopyRecord {
  const folder = join(dataDir, 'cli-copies');
  const file = join(folder, `${batchId.replace(/[^A-Za-z0-9-]/g, '_')}.jsonl`);
  const copies = new Map<number, string>();
  for (const [image, name] of legacyCopies(store, batchId)) copies.set(image, name);
  for (const text of readLines(file)) {
    const line = Line.safeParse(parseLine(text));
    if (line.success) copies.set(line.data.image, line.data.file);
  }
  return {
    get: (imageId) => copies.get(imageId),
    set: (imageId, name) => {
      copies.set(imageId, name);
      mkdirSync(folder, { recursive: true });
      appendFileSync(file, `${JSON.stringify({ image: imageId, file: name })}\n`);
    },
  };
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The record as the settings store held it before (`cli.copies.<batch>`: image id → file name). */
function legacyCopies(store: KeyValueStore | undefined, batchId: string): [number, string][] {
  const parsed = z.record(z.string(), z.string()).safeParse(store?.get(`cli.copies.${batchId}`));
  if (!parsed.success) return [];
  return Object.entries(parsed.data).flatMap(([id, name]) => (/^\d+$/.test(id) ? [[Number(id), name]] : []));
}
