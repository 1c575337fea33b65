// Auto-stop on a fake clock: it stops an idle running service after its minutes (warning a minute before), never
// while it has work, waits again when the artist keeps it running, and leaves a stopped service alone.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutoStopper, type AutoStopNotice } from '../../../main/lifecycle/auto-stop';

const MINUTE = 60_000;

interface Rig {
  stopper: AutoStopper;
  notices: AutoStopNotice[];
  stops: number[];
  state: { busy: boolean; running: boolean | undefined; idleMinutes: number | undefined };
  refreshes: number;
}

let rig: Rig;

/** `null`: auto-stop off for the service. */
function start(idleMinutes: number | null = 10): Rig {
  const state = { busy: false, running: true as boolean | undefined, idleMinutes: idleMinutes ?? undefined };
  const made: Rig = {
    notices: [],
    stops: [],
    state,
    refreshes: 0,
    stopper: undefined as unknown as AutoStopper,
  };
  made.stopper = new AutoStopper({
    services: () => [{ id: 's1', name: 'GPU one', idleMinutes: state.idleMinutes }],
    busy: () => state.busy,
    running: () => state.running,
    refresh: () => {
      made.refreshes += 1;
      if (state.running === undefined) state.running = true;
      return Promise.resolve();
    },
    stop: () => {
      made.stops.push(Date.now());
      state.running = false;
      return Promise.resolve();
    },
    notify: (notice) => made.notices.push(notice),
    now: () => Date.now(),
    setInterval: (callback, ms) => {
      const handle = setInterval(callback, ms);
      return { clear: () => clearInterval(handle) };
    },
  });
  return made;
}

const kinds = (): string[] => rig.notices.map((notice) => notice.kind);

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-03T10:00:00Z') });
});
afterEach(() => {
  rig.stopper.close();
  vi.useRealTimers();
});

describe('auto-stop', () => {
  it('warns a minute before and stops an idle running service after its idle minutes', async () => {
    rig = start(10);
    const began = Date.now();
    await vi.advanceTimersByTimeAsync(8 * MINUTE);
    expect(kinds()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1.5 * MINUTE);
    expect(rig.notices[0]).toMatchObject({ kind: 'warning', name: 'GPU one', idleMinutes: 10 });
    await vi.advanceTimersByTimeAsync(1 * MINUTE);
    expect(rig.stops).toHaveLength(1);
    const [stoppedAt = 0] = rig.stops;
    expect(stoppedAt - began).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(stoppedAt - began).toBeLessThan(10.5 * MINUTE);
    expect(kinds()).toEqual(['warning', 'stopped']);
    // Stopped: it is not stopped again.
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(rig.stops).toHaveLength(1);
  });

  it('never stops while the service has work, and counts the idle minutes from when the work ended', async () => {
    rig = start(10);
    rig.state.busy = true;
    await vi.advanceTimersByTimeAsync(45 * MINUTE);
    expect(rig.stops).toEqual([]);
    expect(kinds()).toEqual([]);
    rig.state.busy = false;
    const idleFrom = Date.now();
    await vi.advanceTimersByTimeAsync(9.5 * MINUTE);
    expect(rig.stops).toEqual([]);
    await vi.advanceTimersByTimeAsync(1 * MINUTE);
    expect(rig.stops).toHaveLength(1);
    expect((rig.stops[0] ?? 0) - idleFrom).toBeGreaterThanOrEqual(10 * MINUTE);
  });

  it('takes back its warning when work arrives, and when the artist keeps the service running', async () => {
    rig = start(10);
    await vi.advanceTimersByTimeAsync(9.5 * MINUTE);
    expect(kinds()).toEqual(['warning']);
    rig.state.busy = true;
    await vi.advanceTimersByTimeAsync(0.5 * MINUTE);
    expect(kinds()).toEqual(['warning', 'cancelled']);
    rig.state.busy = false;
    await vi.advanceTimersByTimeAsync(9.5 * MINUTE);
    expect(kinds()).toEqual(['warning', 'cancelled', 'warning']);
    rig.stopper.keepRunning('s1');
    expect(kinds()).toEqual(['warning', 'cancelled', 'warning', 'cancelled']);
    await vi.advanceTimersByTimeAsync(8 * MINUTE);
    expect(rig.stops).toEqual([]);
    await vi.advanceTimersByTimeAsync(2.5 * MINUTE);
    expect(rig.stops).toHaveLength(1);
  });

  it('does not stop when work is queued between the last look and the stop', async () => {
    rig = start(10);
    await vi.advanceTimersByTimeAsync(9.9 * MINUTE);
    // The next tick decides to stop; the refresh just before the stop finds a job queued meanwhile.
    const refresh = rig.refreshes;
    rig.stopper['deps'].refresh = () => {
      rig.state.busy = true;
      return Promise.resolve();
    };
    await vi.advanceTimersByTimeAsync(0.5 * MINUTE);
    expect(rig.refreshes).toBe(refresh);
    expect(rig.stops).toEqual([]);
    expect(kinds()).toEqual(['warning', 'cancelled']);
  });

  it('leaves alone a service that is stopped, has auto-stop off, or whose state is not known yet', async () => {
    rig = start(null);
    await vi.advanceTimersByTimeAsync(120 * MINUTE);
    expect(rig.stops).toEqual([]);
    rig.stopper.close();

    rig = start(10);
    rig.state.running = false;
    await vi.advanceTimersByTimeAsync(120 * MINUTE);
    expect(rig.stops).toEqual([]);
    rig.stopper.close();

    rig = start(10);
    rig.state.running = undefined;
    await vi.advanceTimersByTimeAsync(1 * MINUTE);
    expect(rig.refreshes).toBeGreaterThan(0);
    expect(rig.stops).toEqual([]);
  });
});
