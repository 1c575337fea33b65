// One saved service in the list: what it is, where it is, whether it works, and what can be done with it.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceConnectionDto } from '../../../preload/schemas/connections';
import type { ServiceDto } from '../../../preload/schemas/services';
import { CostLine } from './cost-line';
import { GpuControl } from './gpu-control';
import type { GpuPhase } from './gpu-state';
import { connectionReasonText, connectionSentence, healthSentence } from './coded-messages';
import { HealthBadge, healthState, SentenceDetail } from './health-view';
import { urlHost } from './service-form';

export interface ServiceCardActions {
  onTest: () => void;
  onEdit: () => void;
  /** Opens the edit dialog at the OSS fields (an API-edition service without its OSS output location). */
  onAddOss: () => void;
  onDuplicate: () => void;
  onDelete: () => void;
}

export function ServiceCard(
  props: { service: ServiceDto; checking: boolean; connection: ServiceConnectionDto | undefined } & ServiceCardActions,
) {
  const { t } = useTranslation();
  const { service, connection } = props;
  const health = service.health;
  const connectionText = (report: ServiceConnectionDto): string => {
    const state = report.connection;
    switch (state.state) {
      case 'live':
        return t('services.connection.live');
      case 'connecting':
        return t('services.connection.connecting', { n: state.attempt });
      case 'backing-off':
        return t('services.connection.backingOff', { reason: connectionReasonText(t, state) });
      case 'auth-failed':
        return t('services.connection.authFailed');
      case 'stopped':
        return t('services.connection.stopped');
    }
  };
  const [gpu, setGpu] = useState<GpuPhase | undefined>();
  const state = healthState(health, props.checking, service.needsOss);
  // A service whose GPU EAS reports as not running is not "Healthy", whatever its last check said.
  const gpuDown = state === 'ok' && gpu !== undefined && gpu !== 'running' && gpu !== 'scaling' && gpu !== 'other';
  // Before a check (or over an older one), the record alone says the OSS location is missing.
  const message =
    health && health.status === state
      ? healthSentence(t, health)
      : state === 'needs-oss'
        ? { text: t('services.codes.oss-needed', { name: service.name }) }
        : health
          ? healthSentence(t, health)
          : undefined;
  const paused = connection ? connectionSentence(t, connection) : undefined;
  const facts: { label: string; value: string; mono?: boolean }[] = [
    { label: t('services.card.host'), value: urlHost(service.url), mono: true },
  ];
  if (service.queue) {
    facts.push({ label: t('services.card.sink'), value: service.queue.sink, mono: true });
    facts.push({
      label: t('services.card.watcher'),
      value: connection ? connectionText(connection) : t('services.card.watcherIdle'),
    });
    if (health?.details.consumers !== undefined) {
      facts.push({ label: t('services.card.consumersLabel'), value: String(health.details.consumers) });
    }
    if (health?.details.queueLength !== undefined) {
      facts.push({
        label: t('services.card.queue'),
        value: t('services.card.waiting', { n: health.details.queueLength }),
      });
    }
  }
  if (!service.queue && connection) {
    facts.push({ label: t('services.card.socket'), value: connectionText(connection) });
  }
  if (health?.details.device) facts.push({ label: t('services.card.device'), value: health.details.device });
  facts.push({
    label: t('services.card.oss'),
    value: service.oss ? service.oss.location : t('services.card.ossNone'),
    mono: Boolean(service.oss),
  });
  facts.push({
    label: t('services.card.token'),
    value: service.hasToken
      ? t('services.card.tokenStored', { hint: service.tokenHint ?? '••••' })
      : t('services.card.tokenNone'),
  });

  return (
    <li className="card service-card" aria-label={service.name} data-testid="service-card">
      <div className="service-card__head">
        <div className="service-card__title">
          <h2 className="service-card__name">{service.name}</h2>
          <span className={`badge badge--${service.edition}`}>{t(`services.edition.${service.edition}`)}</span>
        </div>
        {gpuDown ? (
          <span
            className={`health health--gpu-${gpu}`}
            title={t('servicesGpu.card.badgeTitle', { status: t(`servicesGpu.status.${gpu}`) })}
            data-testid="health-badge"
          >
            <span className="health__dot" aria-hidden="true" />
            {t(`servicesGpu.status.${gpu}`)}
          </span>
        ) : (
          <HealthBadge state={state} message={message?.text} />
        )}
      </div>
      <p className={`service-card__message service-card__message--${state}`}>
        {state === 'checking'
          ? t('services.health.checkingSentence')
          : (message?.text ?? t('services.health.unknownSentence'))}
      </p>
      {state !== 'checking' && message ? <SentenceDetail sentence={message} /> : null}
      {state === 'needs-oss' ? (
        <div className="notice service-card__needs-oss">
          <span>{t('servicesOss.card.why')}</span>
          <button type="button" className="button button--small button--primary" onClick={props.onAddOss}>
            {t('servicesOss.card.add')}
          </button>
        </div>
      ) : null}
      {connection?.dispatchPaused && paused ? (
        <div className="alert service-card__paused" role="alert">
          <p>{paused.text}</p>
          <SentenceDetail sentence={paused} />
        </div>
      ) : null}
      <dl className="service-card__facts">
        {facts.map((fact) => (
          <div key={fact.label} className="service-card__fact">
            <dt>{fact.label}</dt>
            <dd className={fact.mono ? 'mono' : undefined}>{fact.value}</dd>
          </div>
        ))}
      </dl>
      {service.control?.configured ? <GpuControl service={service} onPhase={setGpu} /> : null}
      {service.cost ? <CostLine serviceId={service.id} updatedAt={service.updatedAt} /> : null}
      <div className="service-card__actions">
        <button type="button" className="button button--small" onClick={props.onTest} disabled={props.checking}>
          {t('services.actions.test')}
        </button>
        <button type="button" className="button button--small" onClick={props.onEdit}>
          {t('services.actions.edit')}
        </button>
        <button type="button" className="button button--small" onClick={props.onDuplicate}>
          {t('services.actions.duplicate')}
        </button>
        <button type="button" className="button button--small button--danger" onClick={props.onDelete}>
          {t('services.actions.delete')}
        </button>
      </div>
    </li>
  );
}
