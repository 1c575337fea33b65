// The service the batch goes to, with its edition and the last health check's verdict, worded in the artist's
// language. An API-edition service without its OSS output location says so, with the way to add it: Compose does
// not queue on it (main refuses it too). Saved pools are offered beside the services: a batch on a pool goes to
// whichever of its services has room.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { PoolDto } from '../../../preload/schemas/pools';
import type { ServiceDto } from '../../../preload/schemas/services';
import { healthSentence } from '../services/coded-messages';
import { healthState } from '../services/health-view';
import { openOssEdit } from '../services/oss-edit-request';

const POOL_VALUE = 'pool:';
const NEW_POOL_VALUE = 'new-pool';

export function ServicePicker(props: {
  services: ServiceDto[];
  serviceId: string | null;
  onSelect: (id: string) => void;
  pools: PoolDto[];
  /** The chosen pool, when the batch goes to a pool. */
  pool: PoolDto | undefined;
  onSelectPool: (id: string) => void;
  onNewPool: () => void;
  onEditPool: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const current = props.pool ? undefined : props.services.find((service) => service.id === props.serviceId);
  const memberNames = props.pool?.serviceIds
    .map((member) => props.services.find((service) => service.id === member)?.name)
    .filter((name) => name !== undefined);
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
        title={current ? optionText(current) : props.pool?.name}
        value={props.pool ? `${POOL_VALUE}${props.pool.id}` : (props.serviceId ?? '')}
        onChange={(event) => {
          const value = event.target.value;
          if (value === NEW_POOL_VALUE) props.onNewPool();
          else if (value.startsWith(POOL_VALUE)) props.onSelectPool(value.slice(POOL_VALUE.length));
          else props.onSelect(value);
        }}
      >
        {props.services.map((service) => (
          <option key={service.id} value={service.id}>
            {optionText(service)}
          </option>
        ))}
        {props.services.length >= 2 ? (
          <optgroup label={t('compose.pool.group')}>
            {props.pools.map((pool) => (
              <option key={pool.id} value={`${POOL_VALUE}${pool.id}`}>
                {t('compose.pool.option', { name: pool.name, count: pool.serviceIds.length })}
              </option>
            ))}
            <option value={NEW_POOL_VALUE}>{t('compose.pool.new')}</option>
          </optgroup>
        ) : null}
      </select>
      {props.pool ? (
        <div className="field__hint pool-members" data-testid="compose-pool-members">
          <span>{t('compose.pool.members', { names: memberNames?.join(t('compose.pool.separator')) ?? '' })}</span>
          <button type="button" className="button button--small" onClick={props.onEditPool}>
            {t('compose.pool.edit')}
          </button>
        </div>
      ) : null}
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
