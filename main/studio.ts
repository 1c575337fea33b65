// The composition root (DESIGN.md): the whole app without a window. Both transports serve `studio.handlers` and
// forward `studio.events`; the Electron shell, the browser bridge, the CLI and the tests all build it the same way,
// from adapters.
import { join } from 'node:path';
import type { ContractHandlers } from '../preload/contract';
import type { Clock, KeyValueStore, Paths } from './adapters';
import { EventHub } from './contract/event-hub';
import { createDiagnosticsModule } from './diagnostics/diagnostics-module';
import { nodeDiagnosticsHost, type DiagnosticsHost } from './diagnostics/diagnostics-host';
import { createGalleryModule, type GalleryHost } from './gallery/gallery-module';
import { bridgeMediaUrl, electronMediaUrl } from './gallery/image-dto';
import type { MediaLookup } from './gallery/media-response';
import { createJobsModule, type JobsModule, type JobsModuleOptions } from './dispatch/jobs-module';
import { Ledger } from './ledger/ledger';
import type { Encryptor } from './services/encryptor';
import { createServicesModule } from './services/services-module';
import type { Presence } from './presence';
import { batchFinishedMessage, presenceLanguage } from './presence-messages';
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
  /** Scheduler tuning (the CLI's concurrency, tests' short timers). */
  jobs?: Pick<JobsModuleOptions, 'editionDeps' | 'scheduler' | 'eventIntervalMs'>;
  /** Folder picker and file manager for the gallery's export and reveal; Node has neither. */
  galleryHost?: GalleryHost;
}

export interface Studio {
  readonly handlers: ContractHandlers;
  readonly events: EventHub;
  /** The jobs domain: its ledger, scheduler and editions (for the CLI and the gallery). */
  readonly jobs: JobsModule;
  /** The gallery's originals and thumbnails by image id and variant, for the media protocol and the bridge. */
  readonly media: MediaLookup;
  /** Called when a renderer reports it is mounted (transports flush queued events on it). */
  onRendererReady(listener: () => void): () => void;
  close(): Promise<void>;
}

export function createStudio(adapters: StudioAdapters): Studio {
  const events = new EventHub();
  const settings = new SettingsRepository(adapters.store);
  const readyListeners = new Set<() => void>();
  const services = createServicesModule({ ...adapters, events });
  const jobs = createJobsModule({
    ledger: Ledger.open(join(adapters.paths.dataDir, 'jobs.sqlite'), {
      clock: adapters.clock,
      ...(adapters.log ? { reportError: (error) => adapters.log?.('job progress not saved', error) } : {}),
    }),
    services,
    events,
    clock: adapters.clock,
    ...adapters.jobs,
    ...(adapters.log ? { log: adapters.log } : {}),
    onBatchFinished: ({ batch, counts }) => {
      // In the language the artist chose, read when the batch ends so a change in Settings applies at once.
      const message = batchFinishedMessage(presenceLanguage(settings.read().language), {
        label: batch.label,
        total: batch.total,
        succeeded: counts.succeeded,
        failed: counts.failed + counts.lost,
      });
      adapters.presence?.notify(message.title, message.body);
    },
    onProgress: (fraction) => adapters.presence?.setProgress(fraction),
    onRunningJobs: (count) => adapters.presence?.setRunningJobs(count),
  });
  // A saved service changed (token, URL, OSS) or went away: its edition is rebuilt or closed.
  const stopWatchingServices = events.subscribe((event) => {
    if (event !== 'services.changed') return;
    jobs.servicesChanged().catch((error: unknown) => adapters.log?.('updating the job services failed', error));
  });
  jobs.start().catch((error: unknown) => adapters.log?.('starting the job scheduler failed', error));
  const gallery = createGalleryModule({
    dataDir: adapters.paths.dataDir,
    ledger: jobs.ledger,
    clock: adapters.clock,
    emit: (event, payload) => events.emit(event, payload),
    mediaUrl: adapters.app.transport === 'electron' ? electronMediaUrl : bridgeMediaUrl,
    services,
    editionFor: (serviceId) => jobs.editionFor(serviceId),
    ...(adapters.galleryHost ? { host: adapters.galleryHost } : {}),
    ...(adapters.log ? { log: adapters.log } : {}),
  });
  // Results stored before this line are pending rows already: the gallery's start-up scan picks them up.
  const stopIntake = jobs.onResultStored((info) => gallery.intake.enqueue(info));
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
    ...jobs.handlers,
    ...gallery.handlers,
  };

  return {
    handlers,
    events,
    jobs,
    media: (id, variant) => gallery.media(id, variant),
    onRendererReady(listener) {
      readyListeners.add(listener);
      return () => readyListeners.delete(listener);
    },
    async close() {
      readyListeners.clear();
      updates.close();
      stopWatchingServices();
      stopIntake();
      await gallery.close();
      await jobs.close();
      jobs.ledger.close();
      await services.close();
    },
  };
}
