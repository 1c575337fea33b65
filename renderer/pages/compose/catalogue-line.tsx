// Where the form's models and choices come from: "Models and choices read from <service> 3 minutes ago · Refresh".
// A refresh asks main to read the service's node catalogue again; the form is then fetched anew by the caller.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WorkflowDetailDto } from '../../../preload/schemas/jobs';
import type { ServiceDto } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { formatAgo } from '../../i18n/format';
import { errorMessage } from '../../settings/settings-context';

/** Re-renders every half minute, so "3 minutes ago" stays true while the page is open. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function CatalogueLine(props: {
  catalogue: WorkflowDetailDto['catalogue'];
  service: ServiceDto | undefined;
  services: ServiceDto[];
  onRefreshed: () => void;
}) {
  const { t } = useTranslation();
  const now = useNow();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { catalogue, service } = props;
  if (!service) return null;
  if (!catalogue) {
    return service.edition === 'queue' ? (
      <p className="field__hint compose-catalogue" data-testid="compose-catalogue">
        {t('catalogue.noneHere', { name: service.name })}
      </p>
    ) : null;
  }
  const source = props.services.find((candidate) => candidate.id === catalogue.serviceId);
  const when = formatAgo(catalogue.readAt, Math.max(now, catalogue.readAt)) ?? t('catalogue.justNow');
  const text =
    source && source.id !== service.id
      ? t('catalogue.readFromLinked', { name: source.name, service: service.name, when })
      : t('catalogue.readFrom', { name: service.name, when });
  const refresh = async () => {
    setBusy(true);
    try {
      await artlab.call('workflows.refreshCatalogue', { serviceId: catalogue.serviceId });
      setError(null);
      props.onRefreshed();
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="field__hint compose-catalogue" data-testid="compose-catalogue">
      <span>{text}</span>
      {' · '}
      <button type="button" className="compose-link" disabled={busy} onClick={() => void refresh()}>
        {busy ? t('catalogue.refreshing') : t('catalogue.refresh')}
      </button>
      {error ? (
        <div className="compose-error" role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}
