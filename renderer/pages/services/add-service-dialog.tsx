// Where the artist pastes the console's call information. Saving arrives with the services contract methods;
// until then the form explains itself instead of failing on submit.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/dialog';

export function AddServiceDialog(props: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [callInformation, setCallInformation] = useState('');
  const fieldId = useId();
  const hintId = useId();
  return (
    <Dialog open={props.open} title={t('services.add.title')} onClose={props.onClose}>
      <form className="dialog__body form" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={fieldId} className="field__label">
            {t('services.add.fieldLabel')}
          </label>
          <textarea
            id={fieldId}
            data-autofocus
            className="textarea"
            rows={7}
            spellCheck={false}
            aria-describedby={hintId}
            placeholder={t('services.add.placeholder')}
            value={callInformation}
            onChange={(event) => setCallInformation(event.target.value)}
          />
          <p id={hintId} className="field__hint">
            {t('services.add.hint')}
          </p>
        </div>
        <p className="notice" role="status">
          {t('services.add.unavailable')}
        </p>
        <div className="dialog__actions">
          <button type="button" className="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled>
            {t('services.add.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
