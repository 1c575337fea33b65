// An Exclusive client whose results and events are recorded, shared by the simulator tests and the peer suite
// (test/peer/) that runs the same client against a real ComfyUI.
import { randomUUID } from 'node:crypto';
import type { ApiWorkflow } from '../../../main/comfy/workflow-types';
import type { EditionEvent, EditionResult } from '../../../main/editions/edition';
import { ExclusiveClient, type ExclusiveClientOptions } from '../../../main/editions/exclusive/exclusive-client';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface ConnectedClient {
  client: ExclusiveClient;
  results: EditionResult[];
  events: EditionEvent[];
  /** Resolves when that identity's result has been handed over. */
  result: (identity: string) => Promise<EditionResult>;
}

/** A started client; the caller closes it (`client.close()`). */
export function connectExclusive(options: ExclusiveClientOptions): ConnectedClient {
  const client = new ExclusiveClient(options);
  const results: EditionResult[] = [];
  const waiters = new Map<string, (result: EditionResult) => void>();
  const events: EditionEvent[] = [];
  client.onEvent((event) => events.push(event));
  client.start((result) => {
    results.push(result);
    waiters.get(result.identity)?.(result);
    return Promise.resolve();
  });
  const result = (identity: string): Promise<EditionResult> => {
    const found = results.find((r) => r.identity === identity);
    return found ? Promise.resolve(found) : new Promise((resolve) => waiters.set(identity, resolve));
  };
  return { client, results, events, result };
}

/** Submits under a fresh identity (the prompt_id) and resolves with it. */
export async function submitWorkflow(client: ExclusiveClient, workflow: ApiWorkflow): Promise<string> {
  const identity = randomUUID();
  await client.submit({ identity, jobId: `job-${identity.slice(0, 8)}`, workflow });
  return identity;
}
