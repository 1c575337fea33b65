// The optional price behind the cost estimates: what one instance of the service costs per hour, as the artist reads
// it off the console (no public price list is reliable), and for the API edition whether its queue instance is billed
// too. Collapsed unless set.
import { useTranslation } from 'react-i18next';
import { TextField } from './form-controls';
import { effectiveEdition } from './service-form';
import type { FormFieldsProps } from './service-form-fields';

export function PriceFields({ form, change, errors }: FormFieldsProps) {
  const { t } = useTranslation();
  const queue = effectiveEdition(form) === 'queue';
  return (
    <details
      className="form-section form-section--collapsible"
      open={form.price !== '' || undefined}
      data-testid="price-fields"
    >
      <summary>{t('servicesCost.form.section')}</summary>
      <p className="field__hint">{t('servicesCost.form.why')}</p>
      <div className="form-row">
        <TextField
          label={t('servicesCost.form.price')}
          type="number"
          value={form.price}
          onChange={(price) => change({ price })}
          placeholder="0.00"
          error={errors['cost.pricePerInstanceHour']}
        />
        <div className="field">
          <label className="field__label" htmlFor="price-currency">
            {t('servicesCost.form.currency')}
          </label>
          <select
            id="price-currency"
            className="select"
            value={form.currency}
            onChange={(event) => change({ currency: event.target.value === 'USD' ? 'USD' : 'CNY' })}
          >
            <option value="CNY">{t('servicesCost.form.cny')}</option>
            <option value="USD">{t('servicesCost.form.usd')}</option>
          </select>
        </div>
      </div>
      {queue ? (
        <>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.queueInstanceBilled}
              onChange={(event) => change({ queueInstanceBilled: event.target.checked })}
            />
            {t('servicesCost.form.queueBilled')}
          </label>
          {form.queueInstanceBilled ? (
            <TextField
              label={t('servicesCost.form.queuePrice')}
              type="number"
              value={form.queuePrice}
              onChange={(queuePrice) => change({ queuePrice })}
              placeholder={form.price || '0.00'}
              error={errors['cost.queuePricePerHour']}
            />
          ) : null}
        </>
      ) : null}
    </details>
  );
}
