// One saved service in the list: what it is, where it is, whether it works, and what can be done with it.
import { useTranslation } from 'react-i18next';
import type { ServiceDto } from '../../../preload/schemas/services';
import { HealthBadge, healthState } from './health-view';
import { urlHost } from './service-form';

export interface ServiceCardActions {
  onTest: () => void;
  onEdit: () => void;
  onDuplicate: () => void;
  onDelete: () => void;
}

export function ServiceCard(props: { service: ServiceDto; checking: boolean } & ServiceCardActions) {
  const { t } = useTranslation();
  const { service } = props;
  const health = service.health;
  const state = healthState(health, props.checking);
  const facts: { label: string; value: string; mono?: boolean }[] = [
    { label: t('services.card.host'), value: urlHost(service.url), mono: true },
  ];
  if (service.queue) {
    facts.push({ label: t('services.card.sink'), value: service.queue.sink, mono: true });
    facts.push({
      label: t('services.card.watcher'),
      value:
        health?.details.consumers !== undefined
          ? t('services.card.consumers', { n: health.details.consumers })
          : t('services.card.watcherUnknown'),
    });
    if (health?.details.queueLength !== undefined) {
      facts.push({
        label: t('services.card.queue'),
        value: t('services.card.waiting', { n: health.details.queueLength }),
      });
    }
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
        <HealthBadge state={state} message={health?.message} />
      </div>
      <p className={`service-card__message service-card__message--${state}`}>
        {state === 'checking'
          ? t('services.health.checkingSentence')
          : (health?.message ?? t('services.health.unknownSentence'))}
      </p>
      <dl className="service-card__facts">
        {facts.map((fact) => (
          <div key={fact.label} className="service-card__fact">
            <dt>{fact.label}</dt>
            <dd className={fact.mono ? 'mono' : undefined}>{fact.value}</dd>
          </div>
        ))}
      </dl>
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
