// Under the GPU line of a service that stops itself when idle: the setting, and when a stop is a minute away, the
// warning with "Keep running" (which starts the idle wait again). A stop done or failed is said once, until the next.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AutoStopNoticeDto } from '../../../preload/schemas/lifecycle';
import { artlab } from '../../api/artlab';
import { errorMessage } from '../../settings/settings-context';

export function AutoStopLine(props: { serviceId: string; idleMinutes: number }) {
  const { t } = useTranslation();
  const [notice, setNotice] = useState<AutoStopNoticeDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { serviceId } = props;

  useEffect(
    () =>
      artlab.on('services.autoStop', (next) => {
        if (next.serviceId !== serviceId) return;
        setNotice(next.kind === 'cancelled' ? null : next);
      }),
    [serviceId],
  );

  const keep = async () => {
    try {
      await artlab.call('services.keepRunning', { serviceId });
      setNotice(null);
      setError(null);
    } catch (cause) {
      setError(errorMessage(cause));
    }
  };

  if (notice?.kind === 'warning') {
    const at = new Date(notice.stopAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    return (
      <div className="service-card__auto-stop service-card__auto-stop--warning" role="status" data-testid="auto-stop">
        <span>{t('servicesGpu.autoStop.warning', { time: at, minutes: notice.idleMinutes })}</span>
        <button type="button" className="button button--small" onClick={() => void keep()}>
          {t('servicesGpu.autoStop.keep')}
        </button>
        {error ? <span className="field__error">{error}</span> : null}
      </div>
    );
  }
  return (
    <div className="service-card__auto-stop muted" data-testid="auto-stop">
      {notice?.kind === 'stopped'
        ? t('servicesGpu.autoStop.stopped', { minutes: notice.idleMinutes })
        : notice?.kind === 'failed'
          ? t('servicesGpu.autoStop.failed', { reason: notice.reason })
          : t('servicesGpu.autoStop.on', { minutes: props.idleMinutes })}
    </div>
  );
}
