// The Queue page's live data: batch pages and per-batch job pages (loaded on demand by the list), deltas from
// `jobs.changed` / `batches.changed` applied once per animation frame, thumbnails from the gallery, and the
// services' connection reports.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { GalleryImage } from '../../../preload/schemas/gallery';
import type { ServiceConnectionDto } from '../../../preload/schemas/connections';
import type { JobChangeDto } from '../../../preload/schemas/jobs';
import type { ServiceDto } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { errorMessage } from '../../settings/settings-context';
import { QueueStore, type QueueFilters } from './queue-store';

const BATCH_PAGE = 50;
const JOB_PAGE = 200;

export function useQueue(initialFilters: QueueFilters) {
  const [store] = useState(() => new QueueStore());
  const [version, setVersion] = useState(0);
  const [services, setServices] = useState<ServiceDto[]>([]);
  const [connections, setConnections] = useState<ReadonlyMap<string, ServiceConnectionDto>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const frame = useRef<number | null>(null);
  const pendingChanges = useRef<JobChangeDto[]>([]);
  const thumbsAsked = useRef(new Set<string>());
  const filtersRef = useRef(initialFilters);

  const bump = useCallback(() => setVersion((value) => value + 1), []);

  const takeThumbs = useCallback(
    (images: GalleryImage[]) => {
      if (store.takeImages(images)) bump();
    },
    [store, bump],
  );

  const loadJobs = useCallback(
    async (batchId: string) => {
      const entry = store.batchJobs(batchId);
      if (entry.loading || entry.complete) return;
      entry.loading = true;
      const current = filtersRef.current;
      try {
        const page = await artlab.call('jobs.page', {
          filters: { batchId, ...(current.states ? { states: current.states } : {}) },
          ...(entry.cursor ? { cursor: entry.cursor } : {}),
          limit: JOB_PAGE,
          order: 'queue',
        });
        // Filters changed while this page was on its way: it belongs to a list no longer shown.
        if (filtersRef.current !== current) return;
        store.appendJobs(batchId, page.jobs, page.nextCursor);
        bump();
        if (!thumbsAsked.current.has(batchId)) {
          thumbsAsked.current.add(batchId);
          const images = await artlab.call('gallery.page', { filters: { batchId, previews: true }, limit: 500 });
          takeThumbs(images.images);
        }
      } catch (cause) {
        entry.loading = false;
        setError(errorMessage(cause));
      }
    },
    [store, bump, takeThumbs],
  );

  const loadBatches = useCallback(async () => {
    if (store.batchesComplete) return;
    const last = store.batches[store.batches.length - 1];
    try {
      const page = await artlab.call('batches.list', {
        limit: BATCH_PAGE,
        ...(last ? { after: { createdAt: last.createdAt, id: last.id } } : {}),
      });
      store.addBatchPage(page, BATCH_PAGE);
      setLoaded(true);
      bump();
    } catch (cause) {
      setError(errorMessage(cause));
    }
  }, [store, bump]);

  /** Reloads one batch's jobs from the start (after a reorder, whose new order only main knows). */
  const reloadBatch = useCallback(
    async (batchId: string) => {
      store.forgetJobs(batchId);
      bump();
      await loadJobs(batchId);
    },
    [store, bump, loadJobs],
  );

  /** New filters: the loaded job pages no longer apply (pages still on their way are dropped too). */
  const setFilters = useCallback(
    (next: QueueFilters) => {
      filtersRef.current = next;
      store.reset();
      bump();
    },
    [store, bump],
  );

  useEffect(() => {
    const flush = () => {
      frame.current = null;
      const changes = pendingChanges.current;
      pendingChanges.current = [];
      if (store.applyChanges(changes)) bump();
    };
    const offJobs = artlab.on('jobs.changed', ({ changes }) => {
      pendingChanges.current.push(...changes);
      frame.current ??= requestAnimationFrame(flush);
    });
    const offBatches = artlab.on('batches.changed', ({ batches }) => {
      store.upsertBatches(batches);
      bump();
    });
    const offAdded = artlab.on('gallery.added', ({ images }) => takeThumbs(images));
    const offGallery = artlab.on('gallery.changed', ({ images }) => takeThumbs(images));
    const offLive = artlab.on('gallery.live', ({ jobId, url }) => {
      store.live.set(jobId, url);
      bump();
    });
    const offServices = artlab.on('services.changed', setServices);
    const offConnection = artlab.on('services.connection', (report) =>
      setConnections((current) => new Map(current).set(report.serviceId, report)),
    );
    let cancelled = false;
    artlab
      .call('services.list')
      .then((list) => {
        if (!cancelled) setServices(list);
      })
      .catch((cause: unknown) => setError(errorMessage(cause)));
    // Previews running jobs showed before this page opened.
    artlab
      .call('gallery.live')
      .then((shown) => {
        if (cancelled) return;
        for (const { jobId, url } of shown) if (!store.live.has(jobId)) store.live.set(jobId, url);
        bump();
      })
      .catch((cause: unknown) => setError(errorMessage(cause)));
    artlab
      .call('jobs.connections')
      .then((reports) => {
        if (cancelled) return;
        setConnections((current) => new Map([...reports.map((r) => [r.serviceId, r] as const), ...current]));
      })
      .catch((cause: unknown) => setError(errorMessage(cause)));
    // The first page of batches (later pages are asked for by the list as it scrolls).
    artlab
      .call('batches.list', { limit: BATCH_PAGE })
      .then((page) => {
        if (cancelled) return;
        store.addBatchPage(page, BATCH_PAGE);
        setLoaded(true);
        bump();
      })
      .catch((cause: unknown) => setError(errorMessage(cause)));
    return () => {
      cancelled = true;
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      offJobs();
      offBatches();
      offAdded();
      offGallery();
      offLive();
      offServices();
      offConnection();
    };
  }, [store, bump, takeThumbs]);

  const serviceNames = useMemo(() => new Map(services.map((service) => [service.id, service])), [services]);

  return {
    store,
    version,
    loaded,
    services,
    serviceNames,
    connections,
    error,
    setError,
    setFilters,
    loadJobs,
    loadBatches,
    reloadBatch,
    bump,
  };
}

export type QueueState = ReturnType<typeof useQueue>;
