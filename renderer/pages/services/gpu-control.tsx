// The "GPU" line of a service card: what EAS says the GPU behind the service is doing, in the artist's words, and
// Start / Stop / Scale. Stop and Scale are confirmed in a dialog first (they change what is billed).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceDto } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { errorMessage } from '../../settings/settings-context';
import { AutoStopLine } from './auto-stop-line';
import { GpuConfirmDialog, type GpuAction } from './gpu-confirm-dialog';
import { gpuPhase, type GpuPhase } from './gpu-state';
import { useServiceLifecycle } from './use-service-lifecycle';

/** `onPhase`: the card's badge follows the GPU (a Healthy check says little while the GPU is stopped). */
export function GpuControl(props: { service: ServiceDto; onPhase?: (phase: GpuPhase | undefined) => void }) {
  const { t } = useTranslation();
  const { service } = props;
  const lifecycle = useServiceLifecycle(service.id, service.updatedAt);
  const [action, setAction] = useState<GpuAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const state = lifecycle.state;
  const phase = state ? gpuPhase(state.status) : undefined;
  const { onPhase } = props;
  useEffect(() => onPhase?.(phase), [onPhase, phase]);

  const start = async () => {
    setBusy(true);
    setActionError(null);
    try {
      lifecycle.apply(await artlab.call('services.start', { serviceId: service.id }));
    } catch (cause) {
      setActionError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  };

  const readError = lifecycle.error ? errorMessage(lifecycle.error) : null;
  // EAS's own words on a state on its way or failed (why it waits, why it failed). On a settled Running or Stopped
  // they only repeat the status ("RUNNING").
  const said = state?.reason ?? state?.message;
  const detail =
    phase !== 'running' && phase !== 'stopped' && said?.toLowerCase() !== state?.status.toLowerCase()
      ? said
      : undefined;
  return (
    <div className="service-card__gpu" data-testid="gpu">
      <div className="service-card__gpu-state">
        <span className="service-card__gpu-label">{t('servicesGpu.card.label')}</span>
        {state && phase ? (
          <>
            <span className={`health health--gpu-${phase}`} data-testid="gpu-status">
              <span className="health__dot" aria-hidden="true" />
              {phase === 'other'
                ? t('servicesGpu.status.other', { status: state.status })
                : t(`servicesGpu.status.${phase}`)}
            </span>
            {phase === 'stopped' ? null : (
              <span className="service-card__gpu-count" data-testid="gpu-instances">
                {t('servicesGpu.card.instances', { count: state.total, running: state.running })}
              </span>
            )}
            {detail ? <span className="muted service-card__gpu-detail">{detail}</span> : null}
          </>
        ) : readError ? null : (
          <span className="muted">{t('servicesGpu.card.reading')}</span>
        )}
      </div>
      {service.control?.autoStopIdleMinutes !== undefined ? (
        <AutoStopLine serviceId={service.id} idleMinutes={service.control.autoStopIdleMinutes} />
      ) : null}
      {readError || actionError ? (
        <p className="field__error" role="alert">
          {actionError ?? readError}
        </p>
      ) : null}
      <div className="service-card__gpu-actions">
        <button
          type="button"
          className="button button--small"
          disabled={busy || phase === 'running' || phase === 'starting'}
          onClick={() => void start()}
        >
          {t('servicesGpu.actions.start')}
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={busy || !state || phase === 'stopped' || phase === 'stopping'}
          onClick={() => setAction('stop')}
        >
          {t('servicesGpu.actions.stop')}
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={busy || !state || phase === 'stopped' || phase === 'stopping'}
          onClick={() => setAction('scale')}
        >
          {t('servicesGpu.actions.scale')}
        </button>
      </div>
      <GpuConfirmDialog
        service={service}
        action={action}
        current={state?.total ?? 1}
        onDone={(next) => {
          lifecycle.apply(next);
          setAction(null);
        }}
        onClose={() => setAction(null)}
      />
    </div>
  );
}
