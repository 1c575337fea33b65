// The composition root (DESIGN.md): the whole app without a window. Both transports serve `studio.handlers` and
// forward `studio.events`; the Electron shell, the browser bridge, the CLI and the tests all build it the same way,
// from adapters.
import type { ContractHandlers } from '../preload/contract';
import type { Clock, KeyValueStore, Paths } from './adapters';
import { EventHub } from './contract/event-hub';
import { createDiagnosticsModule } from './diagnostics/diagnostics-module';
import { nodeDiagnosticsHost, type DiagnosticsHost } from './diagnostics/diagnostics-host';
import type { Encryptor } from './services/encryptor';
import { createServicesModule } from './services/services-module';
import type { Presence } from './presence';
import { SettingsRepository } from './settings';
import { createUpdatesModule } from './updates/updates-module';
import { unmanagedUpdater, type Updater } from './updates/updater';

export interface StudioAdapters {
  paths: Paths;
  clock: Clock;
  encryptor: Encryptor;
  store: KeyValueStore;
  app: { name: string; version: string; platform: string; transport: 'electron' | 'browser' };
  /** Where unexpected errors are recorded (electron-log in the shell); messages are redacted by the caller's sink. */
  log?: (message: string, error?: unknown) => void;
  /** The Electron shell's auto-updater; Node has none ("updates are managed by the desktop app"). */
  updater?: Updater;
  /** Save dialog, file manager and logs folder; Node saves bundles into the data folder. */
  diagnostics?: DiagnosticsHost;
  /** Notifications, dock/taskbar progress and the tray, for domains that report background work. */
  presence?: Presence;
}

export interface Studio {
  readonly handlers: ContractHandlers;
  readonly events: EventHub;
  /** Called when a renderer reports it is mounted (transports flush queued events on it). */
  onRendererReady(listener: () => void): () => void;
  close(): Promise<void>;
}

export function createStudio(adapters: StudioAdapters): Studio {
  const events = new EventHub();
  const settings = new SettingsRepository(adapters.store);
  const readyListeners = new Set<() => void>();
  const services = createServicesModule({ ...adapters, events });
  const updates = createUpdatesModule({
    updater: adapters.updater ?? unmanagedUpdater,
    store: adapters.store,
    clock: adapters.clock,
    events,
    currentVersion: adapters.app.version,
    ...(adapters.log ? { log: adapters.log } : {}),
  });
  const diagnostics = createDiagnosticsModule({
    host: adapters.diagnostics ?? nodeDiagnosticsHost(adapters.paths.dataDir),
    clock: adapters.clock,
    app: adapters.app,
    services: () => services.handlers['services.list'](undefined),
    settings: () => settings.read(),
  });

  const handlers: ContractHandlers = {
    'app.info': () => Promise.resolve({ ...adapters.app, dataDir: adapters.paths.dataDir }),
    'app.ready': () => {
      for (const listener of readyListeners) listener();
      return Promise.resolve();
    },
    'settings.get': () => Promise.resolve(settings.read()),
    'settings.update': (patch) => {
      const next = settings.update(patch);
      events.emit('settings.changed', next);
      return Promise.resolve(next);
    },
    ...services.handlers,
    ...updates.handlers,
    ...diagnostics.handlers,
  };

  return {
    handlers,
    events,
    onRendererReady(listener) {
      readyListeners.add(listener);
      return () => readyListeners.delete(listener);
    },
    async close() {
      readyListeners.clear();
      updates.close();
      await services.close();
    },
  };
}
