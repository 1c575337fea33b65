// What the sink watcher (sink-watcher.ts) takes and reports: its options, the frames it hands over, the problems it
// carries on through and its counters.
import type { QueueClient } from './queue-client';
import type { SinkFrame } from './sink-frame';
import type { BackoffOptions, TimerClock } from './watch-support';

export interface WatchedFrame extends SinkFrame {
  /** The app did not create this task_id: a result of another client of the shared sink. */
  external: boolean;
}

/** Something went wrong that the user or the log should hear of; the watcher carries on. */
export type WatcherProblem =
  | { kind: 'garbage-frame'; index: number | undefined; reason: string; committed: boolean; taskId?: string }
  | { kind: 'handler-failed'; index: number; taskId: string | undefined; error: unknown }
  | { kind: 'commit-failed'; indexes: number[]; error: unknown }
  | { kind: 'duplicate-task'; index: number; taskId: string }
  | { kind: 'foreign-window-full'; held: number };

export interface SinkWatcherOptions {
  /** The sink queue: its URL and headers for the upgrade, and commits. */
  sink: QueueClient;
  onFrame: (frame: WatchedFrame) => Promise<void>;
  /** Whether the app created this task_id; by default every frame with a task_id is the app's. */
  isOwnTask?: (taskId: string) => boolean;
  /** Leave results of other clients uncommitted, for their owners, instead of handing them over as external. */
  leaveForeign?: boolean;
  /** Most uncommitted frames the server sends at once. */
  window?: number;
  /** With leaveForeign: extra window slots foreign frames may hold (see connect()). Default: `window`. */
  maxForeignHeld?: number;
  pingIntervalMs?: number;
  /** A ping unanswered this long means the socket is dead: terminate and reconnect. */
  pongTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Commits of frames handled within this many ms go out as one request. */
  commitDelayMs?: number;
  clock?: TimerClock;
  random?: () => number;
  /** How many handled indexes and task_ids are remembered for de-duplication. */
  remember?: number;
  /** The largest sink frame received (ws `maxPayload`); a result is a little JSON. Default DEFAULT_MAX_FRAME_BYTES. */
  maxFrameBytes?: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

export interface WatcherStats {
  connects: number;
  handled: number;
  committed: number;
  duplicates: number;
  garbage: number;
  handlerFailures: number;
}
