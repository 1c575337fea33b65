import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UpdateStatus } from '../../../preload/schemas/updates';
import { artlab } from '../../api/artlab';
import { formatDateTime, formatNumber } from '../../i18n/format';
import { errorMessage } from '../../settings/settings-context';
import { SettingsActionRow } from './settings-action-row';
import { SettingsRow, SettingsSection } from './settings-section';

type Load = { status: 'loading' } | { status: 'ready'; update: UpdateStatus } | { status: 'failed'; message: string };

export function UpdatesSection() {
  const { t } = useTranslation();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [actionError, setActionError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    artlab.call('updates.status').then(
      (update) => live && setLoad({ status: 'ready', update }),
      (error: unknown) => live && setLoad({ status: 'failed', message: errorMessage(error) }),
    );
    const unsubscribe = artlab.on('updates.changed', (update) => setLoad({ status: 'ready', update }));
    return () => {
      live = false;
      unsubscribe();
    };
  }, []);

  async function run(action: () => Promise<UpdateStatus | void>) {
    setActionError(null);
    try {
      const update = await action();
      if (update) setLoad({ status: 'ready', update });
    } catch (error) {
      setActionError(errorMessage(error));
    }
  }

  return (
    <SettingsSection title={t('settings.updates.title')}>
      {load.status === 'loading' ? <p className="muted">{t('common.loading')}</p> : null}
      {load.status === 'failed' ? (
        <p className="alert" role="alert">
          {t('settings.updates.failed', { message: load.message })}
        </p>
      ) : null}
      {load.status === 'ready' && !load.update.managed ? (
        <p className="muted" data-testid="updates-unmanaged">
          {t('settings.updates.unmanaged')}
        </p>
      ) : null}
      {load.status === 'ready' && load.update.managed ? (
        <>
          <SettingsRow label={t('settings.updates.autoCheck')} hint={t('settings.updates.autoCheckHint')}>
            {({ controlId, hintId }) => (
              <input
                id={controlId}
                type="checkbox"
                className="checkbox"
                aria-describedby={hintId}
                checked={load.update.autoCheck}
                onChange={(event) =>
                  void run(() => artlab.call('updates.configure', { autoCheck: event.target.checked }))
                }
              />
            )}
          </SettingsRow>
          <SettingsActionRow
            title={t(`settings.updates.states.${load.update.state}`, {
              version: load.update.availableVersion ?? '',
              percent: formatNumber(load.update.progress ?? 0, { style: 'percent' }),
            })}
            hint={
              load.update.lastCheckedAt === undefined
                ? t('settings.updates.neverChecked', { version: load.update.currentVersion })
                : t('settings.updates.lastChecked', {
                    version: load.update.currentVersion,
                    when: formatDateTime(load.update.lastCheckedAt),
                  })
            }
          >
            {(hintId) =>
              load.update.state === 'ready' ? (
                <button
                  type="button"
                  className="button button--primary"
                  aria-describedby={hintId}
                  onClick={() => void run(() => artlab.call('updates.restart'))}
                >
                  {t('settings.updates.restart')}
                </button>
              ) : (
                <button
                  type="button"
                  className="button"
                  aria-describedby={hintId}
                  disabled={load.update.state === 'checking' || load.update.state === 'downloading'}
                  onClick={() => void run(() => artlab.call('updates.check'))}
                >
                  {t('settings.updates.checkNow')}
                </button>
              )
            }
          </SettingsActionRow>
        </>
      ) : null}
      {actionError ? (
        <p className="alert" role="alert">
          {actionError}
        </p>
      ) : null}
    </SettingsSection>
  );
}
