// The filter bar: service, batch, workflow, prompt search (debounced), favorites, external results, date range, sort.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GalleryFilters } from '../../../preload/schemas/gallery';
import type { BatchSummaryDto, WorkflowSummaryDto } from '../../../preload/schemas/jobs';
import type { ServiceDto } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { workflowDisplayName } from '../../i18n/built-in-names';
import { formatDateField, formatDateTime } from '../../i18n/format';
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

/**
 * A day picker that reads in the app's language. Chromium draws a date input in the browser's (the OS's) locale, so a
 * zh-CN page on an English system would show mm/dd/yyyy: the input stays for the keyboard and the calendar, its own
 * text is hidden (gallery.css), and the chosen day is drawn over it through formatDate.
 */
function DateFilter(props: { label: string; value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  const shown = formatDateField(props.value);
  return (
    <label className="gallery-filters__date">
      <span>{props.label}</span>
      <span className="date-field">
        <input
          type="date"
          value={props.value}
          onChange={(event) => props.onChange(event.target.value)}
          onClick={(event) => event.currentTarget.showPicker()}
        />
        <span className={shown ? 'date-field__text' : 'date-field__text date-field__text--empty'} aria-hidden="true">
          {shown ?? t('gallery.filters.anyDay')}
        </span>
      </span>
    </label>
  );
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
            {batch.label || formatDateTime(batch.createdAt)}
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
            {workflowDisplayName(t, workflow)}
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
      <DateFilter label={t('gallery.filters.from')} value={from} onChange={(value) => setDates(value, to)} />
      <DateFilter label={t('gallery.filters.to')} value={to} onChange={(value) => setDates(from, value)} />
      <label className="gallery-filters__check">
        <input
          type="checkbox"
          checked={filters.favorites === true}
          onChange={(event) => set({ favorites: event.target.checked ? true : undefined })}
        />
        <span>{t('gallery.filters.favorites')}</span>
      </label>
      <label className="gallery-filters__check" title={t('gallery.filters.previewsHint')}>
        <input
          type="checkbox"
          checked={filters.previews === true}
          onChange={(event) => set({ previews: event.target.checked ? true : undefined })}
        />
        <span>{t('gallery.filters.previews')}</span>
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
