// Saving a pool: a name and two or more services, in the order ticked. A batch queued on it goes to whichever member
// has room; editing or deleting the pool later leaves batches already queued as they were.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PoolDto } from '../../../preload/schemas/pools';
import type { ServiceDto } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { Dialog } from '../../components/dialog';
import { errorMessage } from '../../settings/settings-context';

interface PoolDialogProps {
  open: boolean;
  /** The pool being edited; undefined for a new one. */
  pool: PoolDto | undefined;
  services: ServiceDto[];
  onSaved: (pool: PoolDto) => void;
  onDeleted: () => void;
  onClose: () => void;
}

export function PoolDialog(props: PoolDialogProps) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={props.open}
      title={props.pool ? t('compose.pool.editTitle') : t('compose.pool.newTitle')}
      onClose={props.onClose}
    >
      {/* A fresh form each time it opens, filled from the pool being edited. */}
      {props.open ? <PoolForm key={props.pool?.id ?? 'new'} {...props} /> : null}
    </Dialog>
  );
}

function PoolForm(props: PoolDialogProps) {
  const { t } = useTranslation();
  const [name, setName] = useState(props.pool?.name ?? '');
  const [chosen, setChosen] = useState<string[]>(props.pool?.serviceIds ?? []);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const toggle = (id: string, on: boolean) =>
    setChosen((current) =>
      on ? [...current.filter((each) => each !== id), id] : current.filter((each) => each !== id),
    );

  const save = async () => {
    setBusy(true);
    try {
      const saved = await artlab.call('pools.save', {
        ...(props.pool ? { id: props.pool.id } : {}),
        name,
        serviceIds: chosen,
      });
      props.onSaved(saved);
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!props.pool) return;
    setBusy(true);
    try {
      await artlab.call('pools.delete', { id: props.pool.id });
      props.onDeleted();
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  };

  const canSave = name.trim() !== '' && chosen.length >= 2 && !busy;
  return (
    <form
      className="dialog__body form"
      data-testid="pool-dialog"
      onSubmit={(event) => {
        event.preventDefault();
        if (canSave) void save();
      }}
    >
      <p className="field__hint">{t('compose.pool.explain')}</p>
      <label className="field">
        <span className="field__label">{t('compose.pool.name')}</span>
        <input
          className="input"
          data-autofocus
          value={name}
          maxLength={80}
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <fieldset className="field pool-dialog__services">
        <legend className="field__label">{t('compose.pool.services')}</legend>
        {props.services.map((service) => (
          <label key={service.id} className="checkbox">
            <input
              type="checkbox"
              checked={chosen.includes(service.id)}
              onChange={(event) => toggle(service.id, event.target.checked)}
            />
            {service.name} · {t(`services.edition.${service.edition}`)}
            {service.needsOss ? ` · ${t('services.health.needs-oss')}` : ''}
          </label>
        ))}
        <span className="field__hint">{t('compose.pool.atLeastTwo')}</span>
      </fieldset>
      {error ? (
        <p className="alert" role="alert">
          {error}
        </p>
      ) : null}
      <div className="dialog__actions">
        {props.pool ? (
          <button type="button" className="button button--danger" disabled={busy} onClick={() => void remove()}>
            {t('compose.pool.delete')}
          </button>
        ) : null}
        <button type="button" className="button" onClick={props.onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button--primary" disabled={!canSave}>
          {t('compose.pool.save')}
        </button>
      </div>
    </form>
  );
}
