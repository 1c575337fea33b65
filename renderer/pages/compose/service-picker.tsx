// The service the batch goes to, with its edition and the last health check's verdict.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceDto } from '../../../preload/schemas/services';
import { healthSentence } from '../services/coded-messages';

export function ServicePicker(props: {
  services: ServiceDto[];
  serviceId: string | null;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const current = props.services.find((service) => service.id === props.serviceId);
  const status = current?.health?.status;
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {t('compose.service.label')}
      </label>
      <select
        id={id}
        className="select"
        value={props.serviceId ?? ''}
        onChange={(event) => props.onSelect(event.target.value)}
      >
        {props.services.map((service) => (
          <option key={service.id} value={service.id}>
            {service.name} · {t(`services.edition.${service.edition}`)}
          </option>
        ))}
      </select>
      {current ? (
        <div className="field__hint service-health">
          <span className={`service-health__dot service-health__dot--${status ?? 'unknown'}`} aria-hidden="true" />
          {current.health ? healthSentence(t, current.health).text : t('compose.service.unchecked')}
        </div>
      ) : null}
    </div>
  );
}
