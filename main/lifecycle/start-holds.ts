// Batches held while the GPU of their service starts. A batch queued on a stopped service with "start it" is stored
// paused (nothing sent: the gateway's 503/404 during a start is waiting, not failure, so no job fails and no retry is
// spent), the service is started, and EAS is read with a growing interval until it says Running with an instance up
// and the service answers its health check; then the batch is resumed. A start that fails, or that is still not
// done after START_WAIT_MS, leaves the batch paused with the reason: nothing is lost, the artist chooses.
// A pool member is held the same way, alone: it joins its batch (the others work meanwhile) once it answers, or
// stays out of it with the reason.
import type { BatchHoldDto } from '../../preload/schemas/jobs';
import type { ServiceLifecycleDto } from '../../preload/schemas/lifecycle';

/** How long a start may take before the hold gives up (EAS starts take minutes; placement can take longer). */
export const START_WAIT_MS = 30 * 60_000;
/** Between two reads: 2 s at first, growing to 15 s. */
const FIRST_POLL_MS = 2_000;
const MAX_POLL_MS = 15_000;

export interface StartHoldDeps {
  start(serviceId: string): Promise<ServiceLifecycleDto>;
  read(serviceId: string): Promise<ServiceLifecycleDto>;
  /** The service's health check: true when it answers as it should. */
  healthy(serviceId: string): Promise<boolean>;
  resume(batchId: string): void;
  /** A pool member's start finished: it takes the batch's work now. */
  activateMember(batchId: string, serviceId: string): void;
  /** A pool member's start failed or took too long: it stays out of the batch with the reason. */
  memberFailed(batchId: string, serviceId: string, reason: string): void;
  /** The batch's summary changed (its hold began, moved on, or ended). */
  changed(batchId: string): void;
  now(): number;
  /** Where waits are kept across a restart (the ledger's start_holds); absent: in memory only. */
  store?: {
    add(hold: { batchId: string; serviceId: string; member: boolean; since: number }): void;
    remove(batchId: string, serviceId?: string): void;
    removeBatchHold(batchId: string): void;
  };
  /** The longest wait; START_WAIT_MS by default. */
  waitMs?: number;
  /** First interval between reads; FIRST_POLL_MS by default. */
  pollMs?: number;
}

/** EAS statuses of a GPU not running and not on its way: a batch for it needs a start. */
export function needsStart(status: string): boolean {
  return ['Stopped', 'Stopping', 'Failed'].includes(status);
}

interface Hold {
  batchId: string;
  serviceId: string;
  /** A pool member's start (its batch goes on), or the whole batch's. */
  member: boolean;
  dto: BatchHoldDto;
}

const holdKey = (batchId: string, serviceId?: string): string =>
  serviceId === undefined ? batchId : `${batchId}\u0000${serviceId}`;

/**
 * EAS statuses of a GPU on its way to running (the reference's transitional start states): a batch for it waits
 * without a new start, as for one the app started.
 */
export function isStarting(status: string): boolean {
  return ['Creating', 'Waiting', 'Starting', 'Pending', 'Deploying'].includes(status);
}

export class StartHolds {
  private readonly holds = new Map<string, Hold>();
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: StartHoldDeps) {}

  heldOf(batchId: string): BatchHoldDto | undefined {
    return this.holds.get(holdKey(batchId))?.dto;
  }

  /**
   * Starts the service (unless `starting`: it is on its way already) and waits for it in the background; the batch
   * is already stored paused.
   */
  begin(batchId: string, serviceId: string, starting = false): void {
    const dto: BatchHoldDto = { serviceId, state: 'starting', since: this.deps.now() };
    this.hold({ batchId, serviceId, member: false, dto }, starting);
  }

  /** As begin, for a pool member: it is already recorded as not taking work, and the others go on meanwhile. */
  beginMember(batchId: string, serviceId: string, starting = false): void {
    const dto: BatchHoldDto = { serviceId, state: 'starting', since: this.deps.now() };
    this.hold({ batchId, serviceId, member: true, dto }, starting);
  }

  /**
   * The artist resumed the batch (its own hold no longer applies) or, with `members`, cancelled it (its members'
   * waits end too; their starts go on, EAS is not asked to stop them).
   */
  release(batchId: string, members = false): void {
    let released = false;
    for (const [key, hold] of this.holds) {
      if (hold.batchId === batchId && (members || !hold.member) && this.holds.delete(key)) released = true;
    }
    if (members) this.forget(batchId);
    else if (released) this.forgetBatchHold(batchId);
    if (released) this.deps.changed(batchId);
  }

  /** The artist steered the member by hand: its start goes on, but it no longer decides the member's place. */
  releaseMember(batchId: string, serviceId: string): void {
    const released = this.holds.delete(holdKey(batchId, serviceId));
    this.forget(batchId, serviceId);
    if (released) this.deps.changed(batchId);
  }

  /**
   * Takes up, after a restart, the waits that were under way (the artist chose to start those services): each is
   * read again, started again only if EAS says it is stopped, and waited for as before.
   */
  restore(stored: readonly { batchId: string; serviceId: string; member: boolean; since: number }[]): void {
    for (const { batchId, serviceId, member, since } of stored) {
      const key = holdKey(batchId, member ? serviceId : undefined);
      if (this.holds.has(key)) continue;
      const started = this.isStarting(serviceId);
      this.holds.set(key, { batchId, serviceId, member, dto: { serviceId, state: 'starting', since } });
      this.deps.changed(batchId);
      void this.run(key, started);
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private hold(hold: Hold, starting: boolean): void {
    const key = holdKey(hold.batchId, hold.member ? hold.serviceId : undefined);
    // On its way, or another hold already started it: this one only waits (a second start is refused by EAS).
    const started = starting || this.isStarting(hold.serviceId);
    this.holds.set(key, hold);
    this.keep(hold);
    this.deps.changed(hold.batchId);
    void this.run(key, started);
  }

  private async run(key: string, alreadyStarted: boolean): Promise<void> {
    const began = this.deps.now();
    let wait = this.deps.pollMs ?? FIRST_POLL_MS;
    const first = this.holds.get(key);
    if (!first) return;
    const { serviceId } = first;
    try {
      // Read first: a service already on its way (or running) is not started a second time.
      let state = await this.deps.read(serviceId);
      if (!alreadyStarted && needsStart(state.status)) state = await this.deps.start(serviceId);
      // A service that had failed may still read Failed just after the start was asked for: only a Failed seen after
      // it moved on, or three times in a row, ends the wait.
      let movedOn = state.status !== 'Failed';
      let failedReads = 0;
      for (;;) {
        if (this.closed || !this.holds.has(key)) return;
        failedReads = state.status === 'Failed' ? failedReads + 1 : 0;
        if (state.status !== 'Failed') movedOn = true;
        if (state.status === 'Failed' && (movedOn || failedReads >= 3)) {
          return this.fail(key, state.status, state.reason ?? state.message ?? 'EAS reports the start failed.');
        }
        if (state.status === 'Running' && state.running > 0 && (await this.deps.healthy(serviceId))) {
          const hold = this.holds.get(key);
          if (!hold || !this.holds.delete(key)) return;
          if (hold.member) this.forget(hold.batchId, serviceId);
          else this.forgetBatchHold(hold.batchId);
          if (hold.member) this.deps.activateMember(hold.batchId, serviceId);
          else this.deps.resume(hold.batchId);
          this.deps.changed(hold.batchId);
          return;
        }
        this.update(key, state.status);
        if (this.deps.now() - began > (this.deps.waitMs ?? START_WAIT_MS)) {
          const minutes = Math.round((this.deps.waitMs ?? START_WAIT_MS) / 60_000);
          return this.fail(key, state.status, `The service was still not running after ${minutes} minutes.`);
        }
        await this.sleep(wait);
        wait = Math.min(MAX_POLL_MS, Math.round(wait * 1.5));
        state = await this.deps.read(serviceId).catch((error: unknown) => ({ ...state, message: String(error) }));
      }
    } catch (error) {
      this.fail(key, undefined, error instanceof Error ? error.message : String(error));
    }
  }

  private update(key: string, status: string): void {
    const hold = this.holds.get(key);
    if (!hold || hold.dto.status === status) return;
    hold.dto = { ...hold.dto, status };
    this.deps.changed(hold.batchId);
  }

  private fail(key: string, status: string | undefined, reason: string): void {
    const hold = this.holds.get(key);
    if (!hold) return;
    // Over: the batch stays paused (the member drained) with the reason, to resume by hand.
    if (hold.member) this.forget(hold.batchId, hold.serviceId);
    else this.forgetBatchHold(hold.batchId);
    if (hold.member) {
      // The member's record carries the reason; the hold is over.
      this.holds.delete(key);
      this.deps.memberFailed(hold.batchId, hold.serviceId, reason);
    } else {
      hold.dto = { ...hold.dto, state: 'failed', ...(status ? { status } : {}), reason };
    }
    this.deps.changed(hold.batchId);
  }

  /** Whether a hold already waits for this service's start. */
  private isStarting(serviceId: string): boolean {
    return [...this.holds.values()].some((other) => other.serviceId === serviceId && other.dto.state === 'starting');
  }

  private keep(hold: Hold): void {
    try {
      this.deps.store?.add({
        batchId: hold.batchId,
        serviceId: hold.serviceId,
        member: hold.member,
        since: hold.dto.since,
      });
    } catch {
      // Not kept across a restart (the disk refused): the wait itself goes on.
    }
  }

  /** The batch's own wait: its row is the one of its service that is not a member's. */
  private forgetBatchHold(batchId: string): void {
    try {
      this.deps.store?.removeBatchHold(batchId);
    } catch {
      // As in forget.
    }
  }

  private forget(batchId: string, serviceId?: string): void {
    try {
      this.deps.store?.remove(batchId, serviceId);
    } catch {
      // A row left behind is harmless: a restart reads the service and finds it running.
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}
