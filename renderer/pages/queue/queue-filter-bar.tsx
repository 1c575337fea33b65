// Filters over the queue: by state group, by service, by batch.
import { useTranslation } from 'react-i18next';
import type { BatchSummaryDto } from '../../../preload/schemas/jobs';
import type { ServiceDto } from '../../../preload/schemas/services';

export type StateFilter = 'all' | 'active' | 'succeeded' | 'failed' | 'cancelled';
const STATE_FILTERS: StateFilter[] = ['all', 'active', 'succeeded', 'failed', 'cancelled'];

export function QueueFilterBar(props: {
  state: StateFilter;
  onState: (state: StateFilter) => void;
  serviceId: string | null;
  onService: (id: string | null) => void;
  services: ServiceDto[];
  batchId: string | null;
  onBatch: (id: string | null) => void;
  batches: BatchSummaryDto[];
}) {
  const { t } = useTranslation();
  return (
    <div className="queue-filters">
      <div className="queue-filters__states" role="group" aria-label={t('queue.filter.state')}>
        {STATE_FILTERS.map((state) => (
          <button
            key={state}
            type="button"
            className={`queue-chip${props.state === state ? ' queue-chip--on' : ''}`}
            aria-pressed={props.state === state}
            onClick={() => props.onState(state)}
          >
            {t(`queue.filter.${state}`)}
          </button>
        ))}
      </div>
      <select
        className="select"
        aria-label={t('queue.filter.service')}
        value={props.serviceId ?? ''}
        onChange={(event) => props.onService(event.target.value || null)}
      >
        <option value="">{t('queue.filter.allServices')}</option>
        {props.services.map((service) => (
          <option key={service.id} value={service.id}>
            {service.name}
          </option>
        ))}
      </select>
      <select
        className="select queue-filters__batch"
        aria-label={t('queue.filter.batch')}
        value={props.batchId ?? ''}
        onChange={(event) => props.onBatch(event.target.value || null)}
      >
        <option value="">{t('queue.filter.allBatches')}</option>
        {props.batches.map((batch) => (
          <option key={batch.id} value={batch.id}>
            {batch.label}
          </option>
        ))}
      </select>
    </div>
  );
}
