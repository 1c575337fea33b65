// The optional EAS control settings: which AccessKey starts, stops and scales the GPU behind the service, and which
// EAS service that is when the URL does not say. Collapsed unless set: most artists never open it.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SecretField, TextField } from './form-controls';
import type { FormFieldsProps } from './service-form-fields';

export function ControlFields({ form, change, errors }: FormFieldsProps) {
  const { t } = useTranslation();
  const [replacingSecret, setReplacingSecret] = useState(false);
  const [replacingToken, setReplacingToken] = useState(false);
  return (
    <details
      className="form-section form-section--collapsible"
      open={form.control || undefined}
      data-testid="control-fields"
    >
      <summary>{t('servicesGpu.form.section')}</summary>
      <p className="field__hint">{t('servicesGpu.form.why')}</p>
      <label className="checkbox">
        <input type="checkbox" checked={form.control} onChange={(event) => change({ control: event.target.checked })} />
        {t('servicesGpu.form.enabled')}
      </label>
      {form.control ? (
        <>
          <div className="radio-group" role="radiogroup" aria-label={t('servicesGpu.form.credentials')}>
            <label className="checkbox">
              <input
                type="radio"
                name="control-credentials"
                checked={form.controlCredentials === 'oss'}
                onChange={() => change({ controlCredentials: 'oss' })}
              />
              {t('servicesGpu.form.useOss')}
            </label>
            <label className="checkbox">
              <input
                type="radio"
                name="control-credentials"
                checked={form.controlCredentials === 'own'}
                onChange={() => change({ controlCredentials: 'own' })}
              />
              {t('servicesGpu.form.own')}
            </label>
          </div>
          {form.controlCredentials === 'own' ? (
            <div className="form-row">
              <TextField
                label={t('servicesGpu.form.accessKeyId')}
                value={form.controlAccessKeyId}
                onChange={(controlAccessKeyId) => change({ controlAccessKeyId })}
                error={errors['control.accessKeyId']}
                mono
              />
              <SecretField
                label={t('servicesGpu.form.secret')}
                value={form.controlSecret}
                onChange={(controlSecret) => change({ controlSecret })}
                stored={
                  form.storedControlSecretHint
                    ? t('services.form.secretStored', { hint: form.storedControlSecretHint })
                    : undefined
                }
                replacing={replacingSecret}
                onReplace={() => setReplacingSecret(true)}
                error={errors['control.accessKeySecret']}
              />
              <SecretField
                label={t('servicesGpu.form.securityToken')}
                value={form.controlSecurityToken}
                onChange={(controlSecurityToken) => change({ controlSecurityToken })}
                stored={form.hasStoredControlToken ? t('servicesGpu.form.securityTokenStored') : undefined}
                replacing={replacingToken}
                onReplace={() => setReplacingToken(true)}
                hint={t('servicesGpu.form.securityTokenHint')}
                error={errors['control.securityToken']}
              />
            </div>
          ) : (
            <p className="field__hint">{t('servicesGpu.form.useOssHint')}</p>
          )}
          <div className="form-row">
            <TextField
              label={t('servicesGpu.form.region')}
              value={form.controlRegion}
              onChange={(controlRegion) => change({ controlRegion })}
              placeholder={form.controlTarget?.region ?? 'cn-shanghai'}
              hint={t('servicesGpu.form.fromUrlHint')}
              error={errors['control.region']}
              mono
            />
            <TextField
              label={t('servicesGpu.form.serviceName')}
              value={form.controlServiceName}
              onChange={(controlServiceName) => change({ controlServiceName })}
              {...(form.controlTarget ? { placeholder: form.controlTarget.serviceName } : {})}
              error={errors['control.serviceName']}
              mono
            />
          </div>
          <TextField
            label={t('servicesGpu.form.autoStop')}
            type="number"
            value={form.controlAutoStop}
            onChange={(controlAutoStop) => change({ controlAutoStop })}
            placeholder={t('servicesGpu.form.autoStopOff')}
            hint={t('servicesGpu.form.autoStopHint')}
            error={errors['control.autoStopIdleMinutes']}
          />
        </>
      ) : null}
    </details>
  );
}
