// The services list as React state: loaded once, then kept current by `services.changed` and `services.health`
// (a health result arrives on its own event, between list changes, so it is merged into the matching record).
import { useCallback, useEffect, useState } from 'react';
import type { ServiceConnectionDto } from '../../../preload/schemas/connections';
import type { HealthResult, ServiceDto, VaultStatus } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { errorMessage } from '../../settings/settings-context';

export interface ServicesState {
  /** null until the first answer. */
  services: ServiceDto[] | null;
  vault: VaultStatus | null;
  /** Each service's result watcher (queue edition) or progress socket (Exclusive), once the jobs work opened it. */
  connections: ReadonlyMap<string, ServiceConnectionDto>;
  /** A failure to load, as a sentence. */
  error: string | null;
  /** Checks being run by this window (the Test buttons show a spinner meanwhile). */
  testing: ReadonlySet<string>;
  test: (id: string) => Promise<HealthResult | undefined>;
  refreshVault: () => Promise<void>;
  setVault: (status: VaultStatus) => void;
}

function withHealth(services: ServiceDto[], result: HealthResult): ServiceDto[] {
  return services.map((service) => (service.id === result.serviceId ? { ...service, health: result } : service));
}

export function useServices(): ServicesState {
  const [services, setServices] = useState<ServiceDto[] | null>(null);
  const [vault, setVault] = useState<VaultStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [testing, setTesting] = useState<ReadonlySet<string>>(new Set());
  const [connections, setConnections] = useState<ReadonlyMap<string, ServiceConnectionDto>>(new Map());

  const refreshVault = useCallback(async () => {
    try {
      setVault(await artlab.call('vault.status'));
    } catch (cause) {
      setError(errorMessage(cause));
    }
  }, []);

  useEffect(() => {
    // Subscribe before loading, so a change between the answer and the subscription is not lost.
    const offChanged = artlab.on('services.changed', (next) => {
      setServices(next);
      void refreshVault();
    });
    const offHealth = artlab.on('services.health', (result) => {
      setServices((current) => (current ? withHealth(current, result) : current));
    });
    const offConnection = artlab.on('services.connection', (report) => {
      setConnections((current) => new Map(current).set(report.serviceId, report));
    });
    let cancelled = false;
    artlab
      .call('jobs.connections')
      .then((reports) => {
        if (cancelled) return;
        // Reports that arrived by event meanwhile are newer than this answer.
        setConnections(
          (current) => new Map([...reports.map((report) => [report.serviceId, report] as const), ...current]),
        );
      })
      .catch((cause: unknown) => setError(errorMessage(cause)));
    artlab
      .call('services.list')
      .then((list) => {
        if (!cancelled) setServices((current) => current ?? list);
      })
      .catch((cause: unknown) => setError(errorMessage(cause)));
    artlab
      .call('vault.status')
      .then((status) => {
        if (!cancelled) setVault(status);
      })
      .catch((cause: unknown) => setError(errorMessage(cause)));
    return () => {
      cancelled = true;
      offChanged();
      offHealth();
      offConnection();
    };
  }, [refreshVault]);

  const test = useCallback(async (id: string) => {
    setTesting((current) => new Set(current).add(id));
    try {
      return await artlab.call('services.test', { id });
    } catch (cause) {
      setError(errorMessage(cause));
      return undefined;
    } finally {
      setTesting((current) => {
        const next = new Set(current);
        next.delete(id);
        return next;
      });
    }
  }, []);

  return { services, vault, connections, error, testing, test, refreshVault, setVault };
}
