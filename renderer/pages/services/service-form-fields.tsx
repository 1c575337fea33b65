// The fields of the add/edit form in three groups: the connection (edition, name, URL, token), the queue edition's
// advanced settings, and where outputs are read from on OSS (needed by the API edition: its results are only there).
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceForm } from './service-form';
import { effectiveEdition, httpsSuggestion, ossRequired } from './service-form';
import { SecretField, TextField } from './form-controls';

export interface FormFieldsProps {
  form: ServiceForm;
  change: (patch: Partial<ServiceForm>) => void;
  /** Field name (as main names it: url, oss.location…) → the sentence of the last failed save. */
  errors: Record<string, string>;
}

export function ConnectionFields({ form, change, errors }: FormFieldsProps) {
  const { t } = useTranslation();
  const editionId = useId();
  const [replacingToken, setReplacingToken] = useState(false);
  const edition = effectiveEdition(form);
  const https = httpsSuggestion(form);
  const storedToken = form.draftId
    ? t('services.form.tokenFound', { hint: form.draftTokenHint ?? '••••' })
    : form.storedTokenHint
      ? t('services.form.tokenStored', { hint: form.storedTokenHint })
      : undefined;
  return (
    <fieldset className="form-section">
      <div className="form-row">
        <div className="field">
          <label htmlFor={editionId} className="field__label">
            {t('services.form.edition')}
          </label>
          <select
            id={editionId}
            className="select"
            value={form.edition}
            onChange={(event) => change({ edition: event.target.value as ServiceForm['edition'] })}
          >
            <option value="auto">
              {t('services.form.editionAuto', {
                edition: edition ? t(`services.edition.${edition}`) : '—',
              })}
            </option>
            <option value="queue">{t('services.edition.queue')}</option>
            <option value="exclusive">{t('services.edition.exclusive')}</option>
          </select>
        </div>
        <TextField
          label={t('services.form.name')}
          value={form.name}
          onChange={(name) => change({ name })}
          error={errors.name}
        />
      </div>
      <TextField
        label={t('services.form.url')}
        value={form.url}
        onChange={(url) => change({ url })}
        placeholder="https://…/api/predict/comfyui_api"
        error={errors.url}
        hint={t(edition === 'queue' ? 'services.form.urlHintQueue' : 'services.form.urlHintExclusive')}
        mono
      />
      {https ? (
        <div className="notice notice--warning" role="alert">
          <p>{t('services.form.httpWarning')}</p>
          <button type="button" className="button button--small" onClick={() => change({ url: https })}>
            {t('services.form.useHttps')}
          </button>
        </div>
      ) : null}
      {edition === 'queue' ? (
        <div className="form-row">
          <TextField
            label={t('services.form.endpoint')}
            value={form.endpoint}
            onChange={(endpoint) => change({ endpoint, queueEdited: true })}
            hint={t('services.form.derived')}
            error={errors['queue.endpoint']}
            mono
          />
          <TextField
            label={t('services.form.serviceName')}
            value={form.serviceName}
            onChange={(serviceName) => change({ serviceName, queueEdited: true })}
            error={errors['queue.serviceName']}
            mono
          />
        </div>
      ) : null}
      <SecretField
        label={t('services.form.token')}
        value={form.token}
        onChange={(token) => change({ token })}
        stored={storedToken}
        replacing={replacingToken}
        onReplace={() => setReplacingToken(true)}
        hint={t('services.form.tokenHint')}
        error={errors.token}
      />
    </fieldset>
  );
}

export function AdvancedFields({ form, change, errors }: FormFieldsProps) {
  const { t } = useTranslation();
  const foreignId = useId();
  if (effectiveEdition(form) !== 'queue') return null;
  return (
    <details className="form-section form-section--collapsible">
      <summary>{t('services.form.advanced')}</summary>
      <div className="form-row">
        <TextField
          label={t('services.form.windowSize')}
          type="number"
          value={form.windowSize}
          onChange={(windowSize) => change({ windowSize })}
          placeholder="5"
          hint={t('services.form.windowSizeHint')}
          error={errors['queue.windowSize']}
        />
        <TextField
          label={t('services.form.concurrency')}
          type="number"
          value={form.concurrency}
          onChange={(concurrency) => change({ concurrency })}
          placeholder="2"
          hint={t('services.form.concurrencyHint')}
          error={errors['queue.concurrency']}
        />
      </div>
      <div className="field">
        <label htmlFor={foreignId} className="field__label">
          {t('services.form.foreignResults')}
        </label>
        <select
          id={foreignId}
          className="select"
          value={form.foreignResults}
          onChange={(event) => change({ foreignResults: event.target.value === 'leave' ? 'leave' : 'adopt' })}
        >
          <option value="adopt">{t('services.form.foreignAdopt')}</option>
          <option value="leave">{t('services.form.foreignLeave')}</option>
        </select>
      </div>
    </details>
  );
}

/** `focus`: the dialog was opened to add the OSS location ("Add OSS location"): start at the storage path. */
export function OssFields(props: FormFieldsProps & { focus?: boolean }) {
  const { form, change, errors } = props;
  const { t } = useTranslation();
  const [replacingSecret, setReplacingSecret] = useState(false);
  const [replacingShared, setReplacingShared] = useState(false);
  const required = ossRequired(form);
  const shown = required || form.oss;
  return (
    <details
      className={`form-section form-section--collapsible${required ? ' form-section--needed' : ''}`}
      open={shown || undefined}
      data-testid="oss-fields"
    >
      <summary>
        {required ? t('servicesOss.form.section') : t('services.form.ossSection')}
        {required ? <span className="badge badge--needed">{t('servicesOss.form.needed')}</span> : null}
      </summary>
      {required ? (
        <p className="field__hint">{t('servicesOss.form.why')}</p>
      ) : (
        <label className="checkbox">
          <input type="checkbox" checked={form.oss} onChange={(event) => change({ oss: event.target.checked })} />
          {t('services.form.ossEnabled')}
        </label>
      )}
      {shown ? (
        <>
          <TextField
            label={t('services.form.ossLocation')}
            value={form.ossLocation}
            onChange={(ossLocation) => change({ ossLocation })}
            placeholder="oss://bucket/prefix/"
            hint={t(required ? 'servicesOss.form.locationHint' : 'services.form.ossLocationHint')}
            error={errors['oss.location']}
            autoFocus={props.focus}
            mono
          />
          <div className="form-row">
            <TextField
              label={t('services.form.ossRegion')}
              value={form.ossRegion}
              onChange={(ossRegion) => change({ ossRegion })}
              placeholder="cn-shanghai"
              error={errors['oss.region']}
            />
            <TextField
              label={t('services.form.ossEndpoint')}
              value={form.ossEndpoint}
              onChange={(ossEndpoint) => change({ ossEndpoint })}
              placeholder="oss-cn-shanghai.aliyuncs.com"
              hint={t('services.form.ossEndpointHint')}
              error={errors['oss.endpoint']}
              mono
            />
          </div>
          <div className="radio-group" role="radiogroup" aria-label={t('services.form.ossCredentials')}>
            <label className="checkbox">
              <input
                type="radio"
                name="oss-credentials"
                checked={form.ossCredentials === 'own'}
                onChange={() => change({ ossCredentials: 'own' })}
              />
              {t('services.form.ossOwn')}
            </label>
            <label className="checkbox">
              <input
                type="radio"
                name="oss-credentials"
                checked={form.ossCredentials === 'shared'}
                onChange={() => change({ ossCredentials: 'shared' })}
              />
              {t('services.form.ossShared')}
            </label>
          </div>
          {form.ossCredentials === 'own' ? (
            <div className="form-row">
              <TextField
                label={t('services.form.ossAccessKeyId')}
                value={form.ossAccessKeyId}
                onChange={(ossAccessKeyId) => change({ ossAccessKeyId })}
                error={errors['oss.accessKeyId']}
                mono
              />
              <SecretField
                label={t('services.form.ossSecret')}
                value={form.ossSecret}
                onChange={(ossSecret) => change({ ossSecret })}
                stored={
                  form.storedOssSecretHint
                    ? t('services.form.secretStored', { hint: form.storedOssSecretHint })
                    : undefined
                }
                replacing={replacingSecret}
                onReplace={() => setReplacingSecret(true)}
                error={errors['oss.accessKeySecret']}
              />
            </div>
          ) : (
            <>
              <div className="form-row">
                <TextField
                  label={t('services.form.ossSharedKeyId')}
                  value={form.sharedAccessKeyId}
                  onChange={(sharedAccessKeyId) => change({ sharedAccessKeyId })}
                  mono
                />
                <SecretField
                  label={t('services.form.ossSharedSecret')}
                  value={form.sharedSecret}
                  onChange={(sharedSecret) => change({ sharedSecret })}
                  stored={
                    form.storedSharedSecretHint
                      ? t('services.form.secretStored', { hint: form.storedSharedSecretHint })
                      : undefined
                  }
                  replacing={replacingShared}
                  onReplace={() => setReplacingShared(true)}
                />
              </div>
              <p className="field__hint">{t('services.form.ossSharedHint')}</p>
            </>
          )}
        </>
      ) : null}
    </details>
  );
}

/**
 * An API-edition service lists no models: it may take its models and choices from an Exclusive service (or a local
 * ComfyUI saved as one) with the same models. `sources` are the saved Exclusive services other than this one.
 */
export function CatalogueSourceField(props: FormFieldsProps & { sources: { id: string; name: string }[] }) {
  const { form, change } = props;
  const { t } = useTranslation();
  const id = useId();
  if (effectiveEdition(form) !== 'queue') return null;
  const known = props.sources.some((source) => source.id === form.catalogueFrom);
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {t('catalogue.source.label')}
      </label>
      <select
        id={id}
        className="select"
        aria-describedby={`${id}-hint`}
        value={known ? form.catalogueFrom : ''}
        onChange={(event) => change({ catalogueFrom: event.target.value })}
      >
        <option value="">{t('catalogue.source.none')}</option>
        {props.sources.map((source) => (
          <option key={source.id} value={source.id}>
            {source.name}
          </option>
        ))}
      </select>
      <div id={`${id}-hint`} className="field__hint">
        {t('catalogue.source.hint')}
      </div>
    </div>
  );
}
