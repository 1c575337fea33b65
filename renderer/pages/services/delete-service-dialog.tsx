// Deleting asks once, and says what stays: the service's jobs and images are the artist's work, not the service's.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceDto } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { Dialog } from '../../components/dialog';
import { errorMessage } from '../../settings/settings-context';

export function DeleteServiceDialog(props: { service: ServiceDto | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { service } = props;

  const close = () => {
    setError(null);
    props.onClose();
  };

  const confirm = async () => {
    if (!service) return;
    setBusy(true);
    try {
      await artlab.call('services.delete', { id: service.id });
      close();
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={service !== null} title={t('services.delete.title')} onClose={close}>
      <div className="dialog__body form">
        <p>{t('services.delete.body', { name: service?.name ?? '' })}</p>
        <p className="notice">{t('services.delete.keeps')}</p>
        {error ? (
          <p className="alert" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog__actions">
          <button type="button" className="button" data-autofocus onClick={close}>
            {t('common.cancel')}
          </button>
          <button type="button" className="button button--danger-solid" disabled={busy} onClick={() => void confirm()}>
            {t('services.delete.confirm')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
