// The edition of a saved service, built from its connection (secrets opened in main): the only place jobs/ chooses
// between the editions (DESIGN.md rule 5). Used by the Studio (from the services module) and by the CLI.
import { ExclusiveClient } from './exclusive/exclusive-client';
import { QueueEdition, type WatcherTuning } from './queue/queue-edition';
import { WorkerCapacity } from './queue/worker-capacity';
import { openOssSource, type OssTarget } from '../oss/oss-target';
import type { Edition } from './edition';
import type { Logger } from '../log/logger';

/** Exclusive: prompts kept with the service at once — one running and one waiting keeps the GPU busy. */
export const DEFAULT_EXCLUSIVE_CONCURRENCY = 2;
/** Queue edition: submits in flight (the EAS queue buffers the rest). */
export const DEFAULT_QUEUE_CONCURRENCY = 4;

export interface EditionSettings {
  edition: 'queue' | 'exclusive';
  name: string;
  url: string;
  token?: string;
  /** Queue edition: the stable consumer uid (uncommitted results come back to it after a restart). */
  consumerUid?: string;
  window?: number;
  concurrency?: number;
  leaveForeignResults?: boolean;
  oss?: OssTarget;
}

export interface EditionDeps {
  /** Whether the ledger has a job with this identity (the queue edition adopts the rest as external). */
  ownsIdentity?: (identity: string) => boolean;
  logger?: Logger;
  /** Overrides the service's concurrency (the CLI's --concurrency). */
  concurrency?: number;
  /** Tests shorten the watcher's timers. */
  watcher?: WatcherTuning;
  exclusiveTiming?: ConstructorParameters<typeof ExclusiveClient>[0]['timing'];
}

export interface ServiceTarget {
  edition: Edition;
  /** How many jobs at once: see `limit`. */
  concurrency: number;
  /**
   * `remote`: jobs the service holds (submitting, queued, running) — Exclusive, where a queue kept short lets cancel and
   * reorder still matter. `sending`: requests in flight — the queue edition, whose EAS queue buffers by itself.
   */
  limit: 'remote' | 'sending';
  /** False for the queue edition: a lookup cannot prove that a task was never taken. */
  lookupIsConclusive: boolean;
  /** The queue edition: how many pool jobs it can have in hand, from its workers (worker-capacity.ts), when known. */
  poolSlots?: () => number | undefined;
  /** Releases what the edition needed besides itself (an OSS client). */
  close?: () => Promise<void>;
}

export function buildServiceTarget(settings: EditionSettings, deps: EditionDeps = {}): ServiceTarget {
  const label = `the service “${settings.name}”`;
  if (settings.edition === 'exclusive') {
    return {
      edition: new ExclusiveClient({
        url: settings.url,
        label,
        name: settings.name,
        ...(settings.token ? { token: settings.token } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
        ...(deps.exclusiveTiming ? { timing: deps.exclusiveTiming } : {}),
      }),
      concurrency: deps.concurrency ?? settings.concurrency ?? DEFAULT_EXCLUSIVE_CONCURRENCY,
      limit: 'remote',
      lookupIsConclusive: true,
    };
  }
  const images = openOssSource(settings.oss);
  const edition = new QueueEdition({
    url: settings.url,
    label,
    name: settings.name,
    uid: settings.consumerUid ?? 'artlab-desktop',
    leaveForeignResults: settings.leaveForeignResults ?? false,
    ...(settings.token ? { token: settings.token } : {}),
    ...(settings.window ? { window: settings.window } : {}),
    ...(deps.ownsIdentity ? { ownsIdentity: deps.ownsIdentity } : {}),
    ...(images ? { images, inputs: images } : {}),
    ...(deps.watcher ? { watcher: deps.watcher } : {}),
  });
  // Each read has the client's own deadline (deadline.ts), as every read from a service does.
  const capacity = new WorkerCapacity(() => edition.workerCount());
  return {
    edition,
    concurrency: deps.concurrency ?? settings.concurrency ?? DEFAULT_QUEUE_CONCURRENCY,
    limit: 'sending',
    lookupIsConclusive: false,
    poolSlots: () => capacity.slots(),
    close: async () => {
      await images?.close();
    },
  };
}
