import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UpdateStatus } from '../../../preload/schemas/updates';
import { systemClock } from '../../../main/adapters';
import { EventHub } from '../../../main/contract/event-hub';
import { createNodeStore } from '../../../main/node-adapters';
import { createUpdatesModule, type UpdatesModule } from '../../../main/updates/updates-module';
import { unmanagedUpdater, type Updater, type UpdaterSnapshot } from '../../../main/updates/updater';
import { updateHandlers } from '../../../main/handlers/updates';

/** An updater whose feed always has version 2.0.0: each check goes checking → downloading → ready. */
class FeedUpdater implements Updater {
  readonly managed = true;
  checks = 0;
  restarts = 0;
  private current: UpdaterSnapshot = { state: 'idle' };
  private readonly listeners = new Set<(snapshot: UpdaterSnapshot) => void>();
  snapshot() {
    return this.current;
  }
  check() {
    this.checks++;
    this.set({ state: 'checking' });
    this.set({ state: 'downloading', availableVersion: '2.0.0', progress: 0.5 });
    this.set({ state: 'ready', availableVersion: '2.0.0' });
    return Promise.resolve();
  }
  restart() {
    this.restarts++;
  }
  onChange(listener: (snapshot: UpdaterSnapshot) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  close() {
    this.listeners.clear();
  }
  private set(next: UpdaterSnapshot) {
    this.current = next;
    for (const listener of this.listeners) listener(next);
  }
}

const dirs: string[] = [];
const modules: UpdatesModule[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const module of modules.splice(0)) module.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setUp(updater: Updater, timing: { firstCheckDelayMs?: number; intervalMs?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'artlab-updates-'));
  dirs.push(dir);
  const store = createNodeStore(dir);
  const events = new EventHub();
  const seen: UpdateStatus[] = [];
  events.subscribe((event, payload) => {
    if (event === 'updates.changed') seen.push(payload as UpdateStatus);
  });
  const nextChange = (predicate: (status: UpdateStatus) => boolean) =>
    new Promise<UpdateStatus>((resolve) => {
      const unsubscribe = events.subscribe((event, payload) => {
        const status = payload as UpdateStatus;
        if (event === 'updates.changed' && predicate(status)) {
          unsubscribe();
          resolve(status);
        }
      });
    });
  const module = createUpdatesModule({
    updater,
    store,
    clock: systemClock,
    events,
    currentVersion: '1.0.0',
    firstCheckDelayMs: timing.firstCheckDelayMs ?? 60_000,
    intervalMs: timing.intervalMs ?? 60_000,
  });
  modules.push(module);
  return { module, store, seen, nextChange };
}

describe('updates outside the desktop app', () => {
  it('reports that updates are managed by the desktop app and refuses to restart', async () => {
    const { module } = setUp(unmanagedUpdater);
    const status = await updateHandlers(module)['updates.status'](undefined);
    expect(status).toMatchObject({ managed: false, state: 'unsupported', currentVersion: '1.0.0', autoCheck: true });
    await expect(updateHandlers(module)['updates.restart'](undefined)).rejects.toThrow(
      'Updates are managed by the desktop app.',
    );
  });
});

describe('updates in the desktop app', () => {
  it('checks soon after start and downloads in the background until an update is ready', async () => {
    const updater = new FeedUpdater();
    const { nextChange, seen } = setUp(updater, { firstCheckDelayMs: 0 });
    const ready = await nextChange((status) => status.state === 'ready');
    expect(ready).toMatchObject({ managed: true, availableVersion: '2.0.0', currentVersion: '1.0.0' });
    expect(seen.map((status) => status.state)).toEqual(['checking', 'downloading', 'ready']);
    expect(updater.checks).toBe(1);
  });

  it('checks again after each interval (daily in the app)', async () => {
    const updater = new FeedUpdater();
    const { nextChange } = setUp(updater, { firstCheckDelayMs: 0, intervalMs: 5 });
    for (let round = 0; round < 3; round++) await nextChange((status) => status.state === 'checking');
    expect(updater.checks).toBeGreaterThanOrEqual(3);
  });

  it('does not check by itself when the artist turned automatic checks off, and remembers it', async () => {
    const updater = new FeedUpdater();
    const first = setUp(updater);
    const off = await updateHandlers(first.module)['updates.configure']({ autoCheck: false });
    expect(off.autoCheck).toBe(false);
    expect(first.store.get('updates.autoCheck')).toBe(false);

    // The module's timers are fake from here: two days pass at once, past the first check and a daily one.
    vi.useFakeTimers();
    const again = createUpdatesModule({
      updater,
      store: first.store,
      clock: systemClock,
      events: new EventHub(),
      currentVersion: '1.0.0',
      firstCheckDelayMs: 0,
    });
    modules.push(again);
    expect((await updateHandlers(again)['updates.status'](undefined)).autoCheck).toBe(false);
    await vi.advanceTimersByTimeAsync(2 * 24 * 60 * 60_000);
    expect(updater.checks).toBe(0);
  });

  it('checks on demand and records when, and restarts only once an update is downloaded', async () => {
    const updater = new FeedUpdater();
    const { module } = setUp(updater);
    await expect(updateHandlers(module)['updates.restart'](undefined)).rejects.toThrow(
      'No update has been downloaded yet.',
    );
    const status = await updateHandlers(module)['updates.check'](undefined);
    expect(status.state).toBe('ready');
    expect(status.lastCheckedAt).toBeTypeOf('number');
    await updateHandlers(module)['updates.restart'](undefined);
    expect(updater.restarts).toBe(1);
  });
});
