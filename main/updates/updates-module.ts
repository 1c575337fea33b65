// The updates domain of the Studio: the artist's "check automatically" setting, a check at start and one a day,
// over the Updater port.
import type { UpdateStatus } from '../../preload/schemas/updates';
import type { Clock, KeyValueStore } from '../adapters';
import type { EventHub } from '../contract/event-hub';
import { BadRequestError } from '../errors';
import type { Updater } from './updater';
import { silentLogger, type Logger } from '../log/logger';

const SETTING_KEY = 'updates.autoCheck';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface UpdatesModuleOptions {
  updater: Updater;
  store: KeyValueStore;
  clock: Clock;
  events: EventHub;
  currentVersion: string;
  /** First automatic check this long after start (default 10 s, so start-up is not slowed). */
  firstCheckDelayMs?: number;
  /** Then every this long (default a day). */
  intervalMs?: number;
  logger?: Logger;
}

export interface UpdatesModule {
  status(): UpdateStatus;
  /** Checks now (where the desktop app manages updates) and returns the state after. */
  check(): Promise<UpdateStatus>;
  /** Restarts into a downloaded update. */
  restart(): void;
  /** Turns the automatic check on or off. */
  configure(autoCheck: boolean): UpdateStatus;
  close(): void;
}

export function createUpdatesModule(options: UpdatesModuleOptions): UpdatesModule {
  const { updater, store, clock, events } = options;
  const firstDelay = options.firstCheckDelayMs ?? 10_000;
  const interval = options.intervalMs ?? DAY_MS;
  const logger = options.logger ?? silentLogger;
  let lastCheckedAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  const autoCheck = () => store.get(SETTING_KEY) !== false;

  function status(): UpdateStatus {
    const snapshot = updater.snapshot();
    return {
      managed: updater.managed,
      autoCheck: autoCheck(),
      currentVersion: options.currentVersion,
      ...snapshot,
      ...(lastCheckedAt === undefined ? {} : { lastCheckedAt }),
    };
  }

  async function check(): Promise<void> {
    lastCheckedAt = clock.now();
    // The updater reports its own failures as state 'error'; a throw here is a bug worth logging, not showing.
    await updater.check().catch((error: unknown) => logger.error('update check failed', error));
  }

  function schedule(delay: number): void {
    clearTimeout(timer);
    timer = undefined;
    if (!updater.managed || !autoCheck()) return;
    timer = setTimeout(() => {
      void check().finally(() => schedule(interval));
    }, delay);
    // A pending check must never keep a quitting process alive.
    timer.unref();
  }

  const unsubscribe = updater.onChange(() => events.emit('updates.changed', status()));
  schedule(firstDelay);

  async function checkNow(): Promise<UpdateStatus> {
    if (updater.managed) await check();
    return status();
  }

  function restart(): void {
    if (!updater.managed) {
      throw new BadRequestError('Updates are managed by the desktop app.').withCode('updates-desktop-only');
    }
    if (updater.snapshot().state !== 'ready') {
      throw new BadRequestError('No update has been downloaded yet.').withCode('update-not-downloaded');
    }
    updater.restart();
  }

  function configure(next: boolean): UpdateStatus {
    store.set(SETTING_KEY, next);
    schedule(next ? firstDelay : 0);
    const current = status();
    events.emit('updates.changed', current);
    return current;
  }

  return {
    status,
    check: checkNow,
    restart,
    configure,
    close() {
      clearTimeout(timer);
      timer = undefined;
      unsubscribe();
      updater.close();
    },
  };
}
