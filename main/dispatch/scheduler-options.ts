// What the scheduler is built from and what it reports: kept apart so that the Studio, the CLI and tests can name
// them without the scheduler's internals.
import type { Clock } from '../adapters';
import type { JobPreviewsInfo, ResultStoredInfo } from '../editions/edition';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log/logger';
import type { RetryPolicy } from './retry-policy';
import type { EditionLender } from '../editions/edition-pool';
import type { JobChange, LaneReport } from './scheduler-lane';

export const DEFAULT_JOB_TIMEOUT_MS = 30 * 60_000;
/** How long a closing lane lets its sends in flight finish, so their receipts are recorded (ms). */
export const DEFAULT_SEND_DRAIN_MS = 15_000;

/** A service's watcher/socket state, and whether sending to it is paused (its token was refused). */
export type ConnectionReport = LaneReport;

export interface SchedulerOptions {
  ledger: Ledger;
  /** The Studio's edition pool: a lane borrows its service's edition and releases it when it closes. */
  editions: EditionLender;
  clock?: Clock;
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  /** A job with no result this long after it was sent ends as `lost` (the artist may retry it). Default 30 min. */
  jobTimeoutMs?: number;
  newIdentity?: () => string;
  /** How long a closing lane (a service edited or removed) lets its sends in flight finish. Default 15 s. */
  sendDrainMs?: number;
  onJobChange?: (change: JobChange) => void;
  onResultStored?: (info: ResultStoredInfo) => void;
  /** A running job's node showed PreviewImage files: the gallery fetches them to show on the job meanwhile. */
  onPreviews?: (info: JobPreviewsInfo) => void;
  onConnection?: (report: ConnectionReport) => void;
  logger?: Logger;
}
