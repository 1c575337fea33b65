// A service's estimated cost on its card: today and this month from the price the artist entered, read when the card
// shows, after a change of the service, and once a minute while it stays on screen. Labelled an estimate (a lower
// bound when only the app's own job times are known, without the control API's instance times).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceCostDto } from '../../../preload/schemas/lifecycle';
import { artlab } from '../../api/artlab';
import { formatMoney } from '../../i18n/format';

const REFRESH_MS = 60_000;

export function CostLine(props: { serviceId: string; updatedAt: number }) {
  const { t } = useTranslation();
  const [cost, setCost] = useState<ServiceCostDto | null>(null);
  const { serviceId, updatedAt } = props;

  useEffect(() => {
    let cancelled = false;
    const read = () =>
      artlab
        .call('services.cost', { serviceId })
        .then((next) => {
          if (!cancelled) setCost(next);
        })
        // A figure that cannot be read is left out: the card says nothing rather than a wrong number.
        .catch(() => undefined);
    void read();
    const timer = setInterval(() => void read(), REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [serviceId, updatedAt]);

  if (!cost) return null;
  const values = { today: formatMoney(cost.today, cost.currency), month: formatMoney(cost.month, cost.currency) };
  return (
    <p className="service-card__cost muted" data-testid="service-cost">
      {cost.source === 'lifecycle' ? t('servicesCost.card.line', values) : t('servicesCost.card.lowerBound', values)}
    </p>
  );
}
