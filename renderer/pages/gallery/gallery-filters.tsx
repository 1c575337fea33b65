// The filter bar: service, batch, workflow, prompt search (debounced), favorites, external results, date range, sort.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GalleryFilters } from '../../../preload/schemas/gallery';
import type { BatchSummaryDto, WorkflowSummaryDto } from '../../../preload/schemas/jobs';
import type { ServiceDto } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import type { GallerySort } from './use-gallery';

const SEARCH_DELAY_MS = 300;

export interface FilterChoices {
  services: readonly ServiceDto[];
  batches: readonly BatchSummaryDto[];
  workflows: readonly WorkflowSummaryDto[];
}

/** Services, recent batches and workflows for the filter menus; a failure leaves a menu with "All" only. */
export function useFilterChoices(): FilterChoices {
  const [choices, setChoices] = useState<FilterChoices>({ services: [], batches: [], workflows: [] });
  useEffect(() => {
    let cancelled = false;
    void Promise.all([
      artlab.call('services.list').catch(() => []),
      artlab.call('batches.list', { limit: 100 }).catch(() => []),
      artlab.call('workflows.list').catch(() => []),
    ]).then(([services, batches, workflows]) => {
      if (!cancelled) setChoices({ services, batches, workflows });
    });
    const off = artlab.on('services.changed', (services) => setChoices((current) => ({ ...current, services })));
    return () => {
      cancelled = true;
      off();
    };
  }, []);
  return choices;
}

function dayStart(value: string): number | undefined {
  if (!value) return undefined;
  const time = new Date(`${value}T00:00:00`).getTime();
  return Number.isNaN(time) ? undefined : time;
}

export function GalleryFilterBar(props: {
  filters: GalleryFilters;
  sort: GallerySort;
  choices: FilterChoices;
  onFilters: (filters: GalleryFilters) => void;
  onSort: (sort: GallerySort) => void;
}) {
  const { t } = useTranslation();
  const { filters, onFilters } = props;
  const [text, setText] = useState(filters.text ?? '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');

  useEffect(() => {
    const trimmed = text.trim();
    if (trimmed === (filters.text ?? '')) return;
    const timer = window.setTimeout(
      () => onFilters({ ...filters, text: trimmed === '' ? undefined : trimmed }),
      SEARCH_DELAY_MS,
    );
    return () => window.clearTimeout(timer);
  }, [text, filters, onFilters]);

  const set = (patch: Partial<GalleryFilters>) => onFilters({ ...filters, ...patch });
  const setDates = (nextFrom: string, nextTo: string) => {
    setFrom(nextFrom);
    setTo(nextTo);
    const end = dayStart(nextTo);
    set({ dateFrom: dayStart(nextFrom), dateTo: end === undefined ? undefined : end + 86_400_000 - 1 });
  };

  return (
    <div className="gallery-filters" role="search">
      <input
        className="gallery-filters__search"
        type="search"
        value={text}
        placeholder={t('gallery.filters.search')}
        aria-label={t('gallery.filters.search')}
        onChange={(event) => setText(event.target.value)}
      />
      <select
        className="select"
        aria-label={t('gallery.filters.service')}
        value={filters.serviceId ?? ''}
        onChange={(event) => set({ serviceId: event.target.value || undefined })}
      >
        <option value="">{t('gallery.filters.allServices')}</option>
        {props.choices.services.map((service) => (
          <option key={service.id} value={service.id}>
            {service.name}
          </option>
        ))}
      </select>
      <select
        className="select"
        aria-label={t('gallery.filters.batch')}
        value={filters.batchId ?? ''}
        onChange={(event) => set({ batchId: event.target.value || undefined })}
      >
        <option value="">{t('gallery.filters.allBatches')}</option>
        {props.choices.batches.map((batch) => (
          <option key={batch.id} value={batch.id}>
            {batch.label || new Date(batch.createdAt).toLocaleString()}
          </option>
        ))}
      </select>
      <select
        className="select"
        aria-label={t('gallery.filters.workflow')}
        value={filters.workflowId ?? ''}
        onChange={(event) => set({ workflowId: event.target.value || undefined })}
      >
        <option value="">{t('gallery.filters.allWorkflows')}</option>
        {props.choices.workflows.map((workflow) => (
          <option key={workflow.id} value={workflow.id}>
            {workflow.name}
          </option>
        ))}
      </select>
      <select
        className="select"
        aria-label={t('gallery.filters.origin')}
        value={filters.external === undefined ? '' : filters.external ? 'external' : 'own'}
        onChange={(event) =>
          set({ external: event.target.value === '' ? undefined : event.target.value === 'external' })
        }
      >
        <option value="">{t('gallery.filters.originAll')}</option>
        <option value="own">{t('gallery.filters.originOwn')}</option>
        <option value="external">{t('gallery.filters.originExternal')}</option>
      </select>
      <label className="gallery-filters__date">
        <span>{t('gallery.filters.from')}</span>
        <input type="date" value={from} onChange={(event) => setDates(event.target.value, to)} />
      </label>
      <label className="gallery-filters__date">
        <span>{t('gallery.filters.to')}</span>
        <input type="date" value={to} onChange={(event) => setDates(from, event.target.value)} />
      </label>
      <label className="gallery-filters__check">
        <input
          type="checkbox"
          checked={filters.favorites === true}
          onChange={(event) => set({ favorites: event.target.checked ? true : undefined })}
        />
        <span>{t('gallery.filters.favorites')}</span>
      </label>
      <select
        className="select"
        aria-label={t('gallery.filters.sort')}
        value={props.sort}
        onChange={(event) => props.onSort(event.target.value === 'oldest' ? 'oldest' : 'newest')}
      >
        <option value="newest">{t('gallery.filters.newest')}</option>
        <option value="oldest">{t('gallery.filters.oldest')}</option>
      </select>
    </div>
  );
}
