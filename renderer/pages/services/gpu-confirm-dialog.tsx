// Stopping or scaling a service's GPU changes what is billed and may interrupt jobs: the dialog says both before
// anything is sent. Main refuses to stop (or scale to zero) while jobs are in flight; the refusal's sentence shows
// here with "Stop anyway", which sends the same request confirmed.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ContractCallError } from '../../../preload/contract';
import type { ServiceLifecycleDto } from '../../../preload/schemas/lifecycle';
import type { ServiceDto } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { Dialog } from '../../components/dialog';
import { errorMessage } from '../../settings/settings-context';
import { TextField } from './form-controls';

export type GpuAction = 'stop' | 'scale';

const JOBS_IN_FLIGHT = new Set(['lifecycle-stop-jobs-in-flight', 'lifecycle-scale-jobs-in-flight']);

export function GpuConfirmDialog(props: {
  service: ServiceDto;
  action: GpuAction | null;
  /** The instances the service has now: where the scale field starts. */
  current: number;
  onDone: (next: ServiceLifecycleDto) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { action } = props;
  const title =
    action === 'scale'
      ? t('servicesGpu.confirm.scaleTitle', { name: props.service.name })
      : t('servicesGpu.confirm.stopTitle', { name: props.service.name });
  return (
    <Dialog open={action !== null} title={title} onClose={props.onClose}>
      {/* Keyed so each opening starts clean: no refusal or typed count left from the last one. */}
      {action ? <GpuConfirmBody key={action} {...props} action={action} /> : null}
    </Dialog>
  );
}

function GpuConfirmBody(props: {
  service: ServiceDto;
  action: GpuAction;
  current: number;
  onDone: (next: ServiceLifecycleDto) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { service, action } = props;
  const [instances, setInstances] = useState(String(props.current));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Main refused because jobs are in flight: the next click confirms it anyway.
  const [refused, setRefused] = useState(false);
  const count = Number(instances.trim());
  const countValid = instances.trim() !== '' && Number.isInteger(count) && count >= 0 && count <= 100;

  const send = async (force: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const serviceId = service.id;
      const next =
        action === 'stop'
          ? await artlab.call('services.stop', { serviceId, ...(force ? { force } : {}) })
          : await artlab.call('services.scale', { serviceId, instances: count, ...(force ? { force } : {}) });
      props.onDone(next);
    } catch (cause) {
      setRefused(cause instanceof ContractCallError && JOBS_IN_FLIGHT.has(cause.code ?? ''));
      setError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  };

  const billing =
    action === 'stop'
      ? t('servicesGpu.confirm.stopBilling')
      : countValid && count === 0
        ? t('servicesGpu.confirm.scaleZeroBilling')
        : t('servicesGpu.confirm.scaleBilling', { count: countValid ? count : props.current });
  return (
    <div className="dialog__body form" data-testid="gpu-confirm">
      {action === 'scale' ? (
        <TextField
          label={t('servicesGpu.confirm.instances')}
          type="number"
          value={instances}
          onChange={setInstances}
          error={countValid ? undefined : t('servicesGpu.confirm.instancesInvalid')}
          autoFocus
        />
      ) : null}
      <p className="notice">{billing}</p>
      {error ? (
        <p className="alert" role="alert">
          {error}
        </p>
      ) : null}
      <div className="dialog__actions">
        <button
          type="button"
          className="button"
          data-autofocus={action === 'stop' || undefined}
          onClick={props.onClose}
        >
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className={`button ${action === 'stop' || refused ? 'button--danger-solid' : 'button--primary'}`}
          disabled={busy || (action === 'scale' && !countValid)}
          onClick={() => void send(refused)}
        >
          {refused
            ? t(action === 'stop' ? 'servicesGpu.confirm.stopAnyway' : 'servicesGpu.confirm.scaleAnyway')
            : t(action === 'stop' ? 'servicesGpu.confirm.stop' : 'servicesGpu.confirm.scale')}
        </button>
      </div>
    </div>
  );
}
