// Add or edit a service: paste the call information (the form fills itself), adjust, Test (saves, then checks and
// shows the result here), Save. Ctrl/Cmd+Enter saves from anywhere in the form; Enter in the paste box is a newline.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ContractCallError } from '../../../preload/contract';
import type { CallInfoDraftDto, HealthResult, ServiceDto } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { Dialog } from '../../components/dialog';
import { errorMessage } from '../../settings/settings-context';
import { HealthDetails } from './health-view';
import { PasteBox } from './paste-box';
import {
  applyDraft,
  emptyForm,
  formFromService,
  sharedOssChange,
  toServiceInput,
  toServicePatch,
  type ServiceForm,
} from './service-form';
import { ControlFields } from './control-fields';
import { PriceFields } from './price-fields';
import { AdvancedFields, CatalogueSourceField, ConnectionFields, OssFields } from './service-form-fields';
import './service-form.css';

const ALWAYS_VISIBLE_FIELDS = new Set(['name', 'url', 'token', 'queue.endpoint', 'queue.serviceName']);

export interface ServiceDialogProps {
  /** null: closed; 'new': adding; a service: editing it. */
  target: ServiceDto | 'new' | null;
  /** Opened by "Add OSS location": the OSS fields have the focus. */
  focus?: 'oss';
  onClose: () => void;
  /** After Save: the list runs a check so the new state shows at once. */
  onSaved: (service: ServiceDto) => void;
}

export function ServiceDialog(props: ServiceDialogProps) {
  const { t } = useTranslation();
  const open = props.target !== null;
  const editing = props.target !== null && props.target !== 'new' ? props.target : null;
  const title = editing ? t('services.form.editTitle', { name: editing.name }) : t('services.form.addTitle');
  return (
    <Dialog open={open} title={title} onClose={props.onClose}>
      {/* Keyed so each opening starts from the service as stored (or empty), not from the last edit. */}
      {open ? <ServiceDialogBody key={editing?.id ?? 'new'} {...props} initial={editing} /> : null}
    </Dialog>
  );
}

function ServiceDialogBody(props: ServiceDialogProps & { initial: ServiceDto | null }) {
  const { t } = useTranslation();
  // Once saved (by Test), the dialog edits that record: a second Test or Save updates it instead of adding another.
  const [saved, setSaved] = useState<ServiceDto | null>(props.initial);
  const [form, setForm] = useState<ServiceForm>(() => (props.initial ? formFromService(props.initial) : emptyForm()));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  const [result, setResult] = useState<HealthResult | null>(null);
  // The Exclusive services an API-edition one can take its models and choices from.
  const [sources, setSources] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    artlab
      .call('services.list')
      .then((list) =>
        setSources(
          list
            .filter((service) => service.edition === 'exclusive' && service.id !== props.initial?.id)
            .map(({ id, name }) => ({ id, name })),
        ),
      )
      .catch((cause: unknown) => setError(errorMessage(cause)));
  }, [props.initial?.id]);

  useEffect(() => {
    artlab
      .call('services.sharedOss.get')
      .then((shared) =>
        setForm((current) => ({
          ...current,
          sharedAccessKeyId: shared.accessKeyId ?? '',
          storedSharedAccessKeyId: shared.accessKeyId ?? '',
          storedSharedSecretHint: shared.hasSecret ? (shared.secretHint ?? '••••') : undefined,
        })),
      )
      .catch((cause: unknown) => setError(errorMessage(cause)));
  }, []);

  // The result lands below the fold of a long form: bring it (or the error) into view.
  const outcome = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (result || error) outcome.current?.scrollIntoView({ block: 'nearest' });
  }, [result, error]);

  const change = useCallback((patch: Partial<ServiceForm>) => {
    setForm((current) => ({ ...current, ...patch }));
  }, []);
  const onDraft = useCallback((draft: CallInfoDraftDto) => setForm((current) => applyDraft(current, draft)), []);

  const store = async (): Promise<ServiceDto | undefined> => {
    setError(null);
    const missing: Record<string, string> = {};
    if (!form.name.trim()) missing.name = t('services.form.nameRequired');
    if (!form.url.trim()) missing.url = t('services.form.urlRequired');
    setErrors(missing);
    if (Object.keys(missing).length > 0) return undefined;
    try {
      const shared = sharedOssChange(form);
      if (shared) {
        const sharedStored = await artlab.call('services.sharedOss.set', shared);
        setForm((current) => ({
          ...current,
          sharedSecret: '',
          storedSharedAccessKeyId: sharedStored.accessKeyId ?? '',
          storedSharedSecretHint: sharedStored.hasSecret ? (sharedStored.secretHint ?? '••••') : undefined,
        }));
      }
      const stored = saved
        ? await artlab.call('services.update', toServicePatch(saved.id, form, saved))
        : await artlab.call('services.create', toServiceInput(form));
      setSaved(stored);
      // The pasted token is now stored; what the form shows from here on is the stored hint.
      setForm((current) => ({
        ...current,
        token: '',
        draftId: undefined,
        draftTokenHint: undefined,
        ossSecret: '',
        controlSecret: '',
        ...(stored.control?.hasSecret ? { storedControlSecretHint: stored.control.secretHint ?? '••••' } : {}),
        ...(stored.control?.target ? { controlTarget: stored.control.target } : {}),
        ...(stored.hasToken ? { storedTokenHint: stored.tokenHint ?? '••••' } : {}),
        ...(stored.oss?.hasSecret ? { storedOssSecretHint: stored.oss.secretHint ?? '••••' } : {}),
      }));
      return stored;
    } catch (cause) {
      const field = cause instanceof ContractCallError ? cause.input : undefined;
      if (field) setErrors({ [field]: errorMessage(cause) });
      // Fields always on screen show their own sentence; others (in a closed section) need the alert too.
      if (!field || !ALWAYS_VISIBLE_FIELDS.has(field)) setError(errorMessage(cause));
      return undefined;
    }
  };

  const save = async () => {
    if (busy) return;
    setBusy('save');
    const stored = await store();
    setBusy(null);
    if (stored) {
      props.onSaved(stored);
      props.onClose();
    }
  };

  const test = async () => {
    if (busy) return;
    setBusy('test');
    setResult(null);
    try {
      const stored = await store();
      if (stored) setResult(await artlab.call('services.test', { id: stored.id }));
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(null);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void save();
    }
  };

  return (
    <form
      className="dialog__body form service-form"
      onKeyDown={onKeyDown}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <PasteBox onDraft={onDraft} autoFocus={!props.initial} />
      <ConnectionFields form={form} change={change} errors={errors} />
      <CatalogueSourceField form={form} change={change} errors={errors} sources={sources} />
      <AdvancedFields form={form} change={change} errors={errors} />
      <OssFields form={form} change={change} errors={errors} focus={props.focus === 'oss'} />
      <ControlFields form={form} change={change} errors={errors} />
      <PriceFields form={form} change={change} errors={errors} />
      <div ref={outcome} className="service-form__outcome">
        {result ? <HealthDetails result={result} onUseUrl={(url) => change({ url })} /> : null}
        {error ? (
          <p className="alert" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      <div className="dialog__actions service-form__actions">
        <span className="service-form__shortcut muted">{t('services.form.shortcut')}</span>
        <button type="button" className="button" onClick={props.onClose}>
          {/* Once Test has saved a new service, leaving keeps it: say Done, not Cancel. */}
          {saved && !props.initial ? t('services.form.done') : t('common.cancel')}
        </button>
        <button type="button" className="button" disabled={busy !== null} onClick={() => void test()}>
          {busy === 'test' ? t('services.form.testing') : t('services.form.test')}
        </button>
        <button type="submit" className="button button--primary" disabled={busy !== null}>
          {t('services.form.save')}
        </button>
      </div>
    </form>
  );
}
