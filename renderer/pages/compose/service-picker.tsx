// The service the batch goes to, with its edition and the last health check's verdict, worded in the artist's
// language. An API-edition service without its OSS output location says so, with the way to add it: Compose does
// not queue on it (main refuses it too).
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceDto } from '../../../preload/schemas/services';
import { healthSentence } from '../services/coded-messages';
import { healthState } from '../services/health-view';
import { openOssEdit } from '../services/oss-edit-request';

export function ServicePicker(props: {
  services: ServiceDto[];
  serviceId: string | null;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const current = props.services.find((service) => service.id === props.serviceId);
  const optionText = (service: ServiceDto) =>
    `${service.name} · ${t(`services.edition.${service.edition}`)}` +
    (service.needsOss ? ` · ${t('services.health.needs-oss')}` : '');
  const state = current ? healthState(current.health, false, current.needsOss) : 'unknown';
  const needsOss = state === 'needs-oss';
  const sentence = !current
    ? undefined
    : needsOss && current.health?.status !== 'needs-oss'
      ? t('services.codes.oss-needed', { name: current.name })
      : current.health
        ? healthSentence(t, current.health).text
        : t('compose.service.unchecked');
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {t('compose.service.label')}
      </label>
      <select
        id={id}
        className="select"
        title={current ? optionText(current) : undefined}
        value={props.serviceId ?? ''}
        onChange={(event) => props.onSelect(event.target.value)}
      >
        {props.services.map((service) => (
          <option key={service.id} value={service.id}>
            {optionText(service)}
          </option>
        ))}
      </select>
      {current ? (
        <div
          className={`field__hint service-health${needsOss ? ' service-health--needs-oss' : ''}`}
          data-testid="compose-service-health"
        >
          <span className={`service-health__dot service-health__dot--${state}`} aria-hidden="true" />
          {needsOss ? <strong>{t('services.health.needs-oss')}</strong> : null}
          <span>{sentence}</span>
          {needsOss ? (
            <button type="button" className="button button--small" onClick={() => openOssEdit(current.id)}>
              {t('servicesOss.card.add')}
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
