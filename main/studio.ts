// The composition root (DESIGN.md): the whole app without a window. Both transports serve `studio.handlers` and
// forward `studio.events`; the Electron shell, the browser bridge, the CLI and the tests all build it the same way,
// from adapters. It owns what the domains share: the one database connection, the pool of open editions, the
// renderer-facing event hub and the main-side domain bus.
import { join } from 'node:path';
import type { ContractHandlers } from '../preload/contract';
import type { Clock, KeyValueStore, Paths } from './adapters';
import { EventHub } from './contract/event-hub';
import { createDiagnosticsModule } from './diagnostics/diagnostics-module';
import { nodeDiagnosticsHost, type DiagnosticsHost } from './diagnostics/diagnostics-host';
import { createDispatchModule, type DispatchModule, type DispatchModuleOptions } from './dispatch/dispatch-module';
import { DomainBus } from './domain-bus';
import { EditionPool } from './editions/edition-pool';
import { buildServiceTarget, type EditionDeps } from './editions/service-editions';
import { createGalleryModule, type GalleryHost } from './gallery/gallery-module';
import { bridgeMediaUrl, electronMediaUrl } from './gallery/image-dto';
import type { MediaLookup } from './gallery/media-response';
import { appHandlers } from './handlers/app';
import { batchHandlers } from './handlers/batches';
import { diagnosticsHandlers } from './handlers/diagnostics';
import { galleryHandlers } from './handlers/gallery';
import { jobHandlers } from './handlers/jobs';
import { batchCostFigures, serviceCostFigures, UsageRecorder, type UsageStore } from './cost/service-cost';
import { lifecycleHandlers } from './handlers/lifecycle';
import { poolMemberHandlers } from './handlers/pool-members';
import { poolHandlers } from './handlers/pools';
import { serviceHandlers } from './handlers/services';
import { SavedPools } from './services/saved-pools';
import { updateHandlers } from './handlers/updates';
import { workflowHandlers } from './handlers/workflows';
import { InputCopies } from './workflows/input-copies';
import { InputImages } from './workflows/input-images';
import { openLedgerDatabase } from './ledger/ledger-database';
import { Ledger } from './ledger/ledger';
import { silentLogger, type Logger } from './log/logger';
import type { Encryptor } from './services/encryptor';
import { ServiceLifecycle, type ControlEndpoint } from './services/service-lifecycle';
import { createServicesModule, type ServicesModule } from './services/services-module';
import type { Presence } from './presence';
import { startAutoStop } from './lifecycle/auto-stop-host';
import { StartHolds } from './lifecycle/start-holds';
import { startFailed } from './batches/pool-members';
import { autoStopMessage, batchFinishedMessage, presenceLanguage } from './presence-messages';
import { SettingsRepository } from './settings';
import { createUpdatesModule } from './updates/updates-module';
import { unmanagedUpdater, type Updater } from './updates/updater';
import { ServiceCatalogues } from './workflows/service-catalogues';
import { WorkflowLibrary } from './workflows/workflow-library';

export interface StudioAdapters {
  paths: Paths;
  clock: Clock;
  encryptor: Encryptor;
  store: KeyValueStore;
  app: { name: string; version: string; platform: string; transport: 'electron' | 'browser' };
  /** Where the domains log, each under its own scope (electron-log in the shell, standard error in Node). */
  logger?: Logger;
  /** The Electron shell's auto-updater; Node has none ("updates are managed by the desktop app"). */
  updater?: Updater;
  /** Save dialog, file manager and logs folder; Node saves bundles into the data folder. */
  diagnostics?: DiagnosticsHost;
  /** Notifications, dock/taskbar progress and the tray, for domains that report background work. */
  presence?: Presence;
  /** Dispatch tuning (the CLI's concurrency, tests' short timers). */
  dispatch?: Pick<DispatchModuleOptions, 'scheduler' | 'eventIntervalMs'> & { editionDeps?: EditionDeps };
  /** Folder picker and file manager for the gallery's export and reveal; Node has neither. */
  galleryHost?: GalleryHost;
  /** Where the EAS control API answers (default: EAS's own host per region, over TLS); the simulator in tests. */
  controlEndpoint?: ControlEndpoint;
}

export interface Studio {
  readonly handlers: ContractHandlers;
  readonly events: EventHub;
  /** Main-side reactions between domains (never sent to a renderer). */
  readonly bus: DomainBus;
  /** The open edition of each service, shared by dispatch, the gallery and the catalogues. */
  readonly editions: EditionPool;
  /** The dispatch domain: the scheduler and the job feed (benchmarks and tests watch it). */
  readonly dispatch: DispatchModule;
  /** The ledger, for tests and benchmarks that inspect what was stored; the app goes through the handlers. */
  readonly ledger: Ledger;
  /** The gallery's originals and thumbnails by image id and variant, for the media protocol and the bridge. */
  readonly media: MediaLookup;
  /** Called when a renderer reports it is mounted (transports flush queued events on it). */
  onRendererReady(listener: () => void): () => void;
  close(): Promise<void>;
}

export function createStudio(adapters: StudioAdapters): Studio {
  const logger = adapters.logger ?? silentLogger;
  const studioLog = logger.child('studio');
  const events = new EventHub();
  const bus = new DomainBus((event, error) => studioLog.error(`a reaction to ${event} failed`, error));
  const settings = new SettingsRepository(adapters.store);
  const readyListeners = new Set<() => void>();
  const now = () => adapters.clock.now();

  // One connection per process: the ledger, the workflow library and the gallery's index share it.
  const databaseFile = join(adapters.paths.dataDir, 'jobs.sqlite');
  /** `__name__` in a prompt reads `<wildcards>/name.txt`. */
  const wildcardsDir = adapters.paths.wildcardsDir ?? join(adapters.paths.dataDir, 'wildcards');
  const database = openLedgerDatabase(databaseFile);
  let ledger: Ledger;
  try {
    ledger = new Ledger(database, {
      file: databaseFile,
      clock: adapters.clock,
      ...(adapters.logger
        ? { reportError: (error) => logger.child('ledger').error('job progress not saved', error) }
        : {}),
    });
  } catch (error) {
    database.close();
    throw error;
  }
  const library = new WorkflowLibrary(database, databaseFile, now);

  const services: ServicesModule = createServicesModule({ ...adapters, logger: logger.child('services'), events, bus });
  const editionsLog = logger.child('editions');
  const editions = new EditionPool((serviceId) => {
    const { record, token, oss } = services.connection(serviceId);
    return buildServiceTarget(
      {
        edition: record.edition,
        name: record.name,
        url: record.url,
        ...(token ? { token } : {}),
        ...(oss ? { oss } : {}),
        ...(record.queue
          ? {
              consumerUid: record.queue.consumerUid,
              window: record.queue.windowSize,
              concurrency: record.queue.concurrency,
              leaveForeignResults: record.queue.foreignResults === 'leave',
            }
          : {}),
      },
      {
        ownsIdentity: (identity) => ledger.findJobByIdentity(serviceId, identity) !== undefined,
        logger: editionsLog,
        ...adapters.dispatch?.editionDeps,
      },
    );
  }, editionsLog);
  const catalogues = new ServiceCatalogues(
    (serviceId) => editions.edition(serviceId),
    logger.child('catalogues'),
    () => adapters.clock.now(),
    (serviceId) => {
      // An Exclusive service reads its own; another reads the Exclusive service it is linked to, if it still is one.
      const records = services.list();
      const record = records.find((candidate) => candidate.id === serviceId);
      if (!record || record.edition === 'exclusive') return serviceId;
      const source = records.find((candidate) => candidate.id === record.catalogueFrom);
      return source?.edition === 'exclusive' ? source.id : undefined;
    },
  );

  // Batches held while their service's GPU starts; its reads and the resume are wired below, once they exist.
  const holds = new StartHolds({
    start: (serviceId) => lifecycle.start(serviceId),
    read: (serviceId) => lifecycle.read(serviceId),
    healthy: async (serviceId) => (await services.test(serviceId)).status === 'ok',
    resume: (batchId) => {
      dispatch.scheduler.resumeBatch(batchId);
      dispatch.feed.touchBatch(batchId);
    },
    activateMember: (batchId, serviceId) => {
      dispatch.scheduler.setPoolMember(batchId, serviceId, 'active');
      dispatch.feed.touchBatch(batchId);
    },
    memberFailed: (batchId, serviceId, reason) => {
      dispatch.scheduler.setPoolMember(batchId, serviceId, 'drained', startFailed(reason));
      dispatch.feed.touchBatch(batchId);
    },
    changed: (batchId) => dispatch.feed.touchBatch(batchId),
    now: () => adapters.clock.now(),
    store: {
      add: (hold) => ledger.startHolds((table) => table.add(hold)),
      remove: (batchId, serviceId) => ledger.startHolds((table) => table.remove(batchId, serviceId)),
      removeBatchHold: (batchId) => ledger.startHolds((table) => table.removeBatchHold(batchId)),
    },
  });
  const dispatch = createDispatchModule({
    heldOf: (batchId) => holds.heldOf(batchId),
    ledger,
    editions,
    services,
    events,
    clock: adapters.clock,
    logger: logger.child('dispatch'),
    ...(adapters.dispatch?.scheduler ? { scheduler: adapters.dispatch.scheduler } : {}),
    ...(adapters.dispatch?.eventIntervalMs !== undefined ? { eventIntervalMs: adapters.dispatch.eventIntervalMs } : {}),
    onResultStored: (info) => bus.emit('result.stored', info),
    onPreviews: (info) => bus.emit('job.previews', info),
    onServiceReset: (serviceId) => catalogues.forget(serviceId),
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
  // A saved service changed (token, URL, OSS) or went away: its lane is restarted or closed.
  const stopWatchingServices = bus.on('services.changed', () => {
    dispatch.servicesChanged().catch((error: unknown) => studioLog.error('updating the job services failed', error));
  });
  library.ensureStarter();
  dispatch.start().catch((error: unknown) => studioLog.error('starting the job scheduler failed', error));

  const gallery = createGalleryModule({
    dataDir: adapters.paths.dataDir,
    database,
    ledger,
    clock: adapters.clock,
    emit: (event, payload) => events.emit(event, payload),
    mediaUrl: adapters.app.transport === 'electron' ? electronMediaUrl : bridgeMediaUrl,
    services,
    editionFor: (serviceId) => editions.edition(serviceId),
    ...(adapters.galleryHost ? { host: adapters.galleryHost } : {}),
    logger: logger.child('gallery'),
  });
  // Results stored before this line are pending rows already: the gallery's start-up scan picks them up.
  const stopIntake = bus.on('result.stored', (info) => {
    gallery.intake.enqueue(info);
    if (info.jobId !== null) gallery.live.settle(info.jobId);
  });
  const stopPreviews = bus.on('job.previews', (info) => gallery.live.add(info));
  const updates = createUpdatesModule({
    updater: adapters.updater ?? unmanagedUpdater,
    store: adapters.store,
    clock: adapters.clock,
    events,
    currentVersion: adapters.app.version,
    logger: logger.child('updates'),
  });
  const diagnosticsHost = adapters.diagnostics ?? nodeDiagnosticsHost(adapters.paths.dataDir);
  const diagnostics = createDiagnosticsModule({
    host: diagnosticsHost,
    clock: adapters.clock,
    app: adapters.app,
    services: () => Promise.resolve(services.views()),
    settings: () => settings.read(),
  });

  // The cost estimate's running time lives in the ledger (service_usage, and the jobs' send→result times).
  const usageStore: UsageStore = {
    record: (serviceId, spans, source) => ledger.usage((u) => u.record(serviceId, spans, source)),
    spans: (serviceId, from, to) => ledger.usage((u) => u.spans(serviceId, from, to)),
    jobTimes: (serviceId, from, to) => ledger.usage((u) => u.jobTimes(serviceId, from, to)),
    batchWindow: (batchId) => ledger.usage((u) => u.batchWindow(batchId)),
  };

  const lifecycle = new ServiceLifecycle({
    serviceName: (serviceId) => services.list().find((record) => record.id === serviceId)?.name,
    control: (serviceId) => services.connection(serviceId).control,
    jobsInFlight: (serviceId) => ledger.unfinishedJobs(serviceId).length,
    now: () => adapters.clock.now(),
    ...(adapters.controlEndpoint ? { endpoint: adapters.controlEndpoint } : {}),
  });
  // Only services whose control is set up and that ask for it. Work of the service (its own jobs, a pool's jobs not
  // yet assigned) keeps it, and so do its images still to fetch: an Exclusive service's come through its /view.
  const autoStop = startAutoStop({
    services: () =>
      services
        .views()
        .flatMap((view) =>
          view.control?.configured
            ? [{ id: view.id, name: view.name, idleMinutes: view.control.autoStopIdleMinutes }]
            : [],
        ),
    busy: (serviceId) => ledger.hasWork(serviceId) || gallery.hasPendingImages(serviceId),
    read: (serviceId) => lifecycle.read(serviceId),
    stop: (serviceId) => lifecycle.stop(serviceId),
    notify: (notice) => {
      events.emit('services.autoStop', notice);
      if (notice.kind !== 'warning' && notice.kind !== 'stopped') return;
      const language = presenceLanguage(settings.read().language);
      const message = autoStopMessage(language, notice.kind, notice.name, notice.idleMinutes);
      adapters.presence?.notify(message.title, message.body);
    },
    now: () => adapters.clock.now(),
  });

  /** What EAS says a service's GPU is doing, or undefined when the app does not control it (or cannot tell). */
  const gpuStatus = async (serviceId: string): Promise<string | undefined> => {
    if (!services.connection(serviceId).control) return undefined;
    try {
      const state = await lifecycle.read(serviceId);
      autoStop.observed(state);
      return state.status;
    } catch {
      // Unknown: the batch is queued as for any service, and its jobs say what the service answers.
      return undefined;
    }
  };

  const inputs = new InputImages({
    editionOf: (serviceId) => editions.edition(serviceId),
    services: () => services.list(),
    copies: new InputCopies(join(adapters.paths.dataDir, 'inputs')),
    galleryImage: async (id) => {
      const file = await gallery.media(id, 'original');
      return file ? { path: file.path, fileName: gallery.get(id).filename } : undefined;
    },
  });
  const handlers: ContractHandlers = {
    ...appHandlers({
      app: adapters.app,
      dataDir: adapters.paths.dataDir,
      settings,
      events,
      rendererReady: () => {
        for (const listener of readyListeners) listener();
      },
    }),
    ...serviceHandlers(services),
    ...poolHandlers(new SavedPools(adapters.store, events, () => new Set(services.list().map(({ id }) => id)))),
    ...lifecycleHandlers(
      lifecycle,
      {
        recorder: new UsageRecorder(usageStore),
        figures: (serviceId) => {
          const price = services.list().find((record) => record.id === serviceId)?.cost;
          if (!price) return null;
          return { ...serviceCostFigures(usageStore, serviceId, price, adapters.clock.now()), estimate: true };
        },
        batch: (batchId) => {
          const costOf = (serviceId: string) => services.list().find((record) => record.id === serviceId)?.cost;
          const figures = batchCostFigures(usageStore, batchId, costOf);
          return figures ? { ...figures, estimate: true } : null;
        },
      },
      autoStop,
    ),
    ...updateHandlers(updates),
    ...diagnosticsHandlers(diagnostics),
    ...workflowHandlers(library, catalogues, services, inputs),
    ...batchHandlers({
      ledger,
      inputs,
      library,
      dispatch,
      services,
      catalogues,
      wildcardsDir,
      openFolder: (path) => diagnosticsHost.openFolder(path),
      holds,
      gpuStatus,
    }),
    ...jobHandlers(ledger, dispatch),
    ...poolMemberHandlers({
      ledger,
      dispatch,
      services,
      catalogues,
      holds,
      gpuStatus,
      now: () => adapters.clock.now(),
    }),
    ...galleryHandlers(gallery),
  };

  // Waits for a GPU that were under way when the app last closed (or crashed) go on.
  holds.restore(ledger.startHolds((table) => table.list()));

  return {
    handlers,
    events,
    bus,
    editions,
    dispatch,
    ledger,
    media: (id, variant) => gallery.media(id, variant),
    onRendererReady(listener) {
      readyListeners.add(listener);
      return () => readyListeners.delete(listener);
    },
    async close() {
      readyListeners.clear();
      autoStop.close();
      holds.close();
      updates.close();
      stopWatchingServices();
      stopIntake();
      stopPreviews();
      await gallery.close();
      await dispatch.close();
      await editions.close();
      ledger.close();
      database.close();
      bus.clear();
      await services.close();
    },
  };
}
