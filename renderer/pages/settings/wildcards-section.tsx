// Wildcards: where `__name__` in a prompt is read from, what is there, and a button to open the folder.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodResult } from '../../../preload/contract';
import { artlab } from '../../api/artlab';
import { errorMessage } from '../../settings/settings-context';
import { SettingsActionRow } from './settings-action-row';
import { SettingsSection } from './settings-section';

type Wildcards = MethodResult<'batches.wildcards'>;

/** Names shown before "…and N more": the folder may hold hundreds. */
const SHOWN = 24;

export function WildcardsSection() {
  const { t, i18n } = useTranslation();
  const [wildcards, setWildcards] = useState<Wildcards | null>(null);
  const [folderShown, setFolderShown] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      setWildcards(await artlab.call('batches.wildcards'));
      setFailure(null);
    } catch (error) {
      setFailure(errorMessage(error));
    }
  }, []);

  useEffect(() => {
    let cancelled = false;
    artlab
      .call('batches.wildcards')
      .then((next) => {
        if (!cancelled) setWildcards(next);
      })
      .catch((error: unknown) => {
        if (!cancelled) setFailure(errorMessage(error));
      });
    return () => {
      cancelled = true;
    };
  }, []);

  async function openFolder() {
    try {
      const { opened } = await artlab.call('batches.openWildcards');
      // Where no file manager can be opened (the browser demo), the path below says where the folder is.
      setFolderShown(!opened);
      await refresh();
    } catch (error) {
      setFailure(errorMessage(error));
    }
  }

  const files = wildcards?.files ?? [];
  const count = new Intl.NumberFormat(i18n.language);
  return (
    <SettingsSection title={t('settings.wildcards.title')}>
      <SettingsActionRow title={t('settings.wildcards.folder')} hint={t('settings.wildcards.hint')}>
        {(hintId) => (
          <div className="settings-buttons">
            <button type="button" className="button" aria-describedby={hintId} onClick={() => void openFolder()}>
              {t('settings.wildcards.open')}
            </button>
            <button type="button" className="button" onClick={() => void refresh()}>
              {t('settings.wildcards.refresh')}
            </button>
          </div>
        )}
      </SettingsActionRow>
      {wildcards && (folderShown || files.length === 0) ? (
        <p className="muted">
          {t('settings.wildcards.at')} <code className="facts__path">{wildcards.folder}</code>
        </p>
      ) : null}
      {wildcards ? (
        files.length === 0 ? (
          <p className="muted">{t('settings.wildcards.none')}</p>
        ) : (
          <ul className="wildcard-list" aria-label={t('settings.wildcards.listLabel')}>
            {files.slice(0, SHOWN).map((file) => (
              <li key={file.name}>
                <code>__{file.name}__</code>{' '}
                <span className="muted">
                  {t('settings.wildcards.entries', { count: file.entries, formatted: count.format(file.entries) })}
                </span>
              </li>
            ))}
            {files.length > SHOWN ? (
              <li className="muted">{t('settings.wildcards.more', { count: files.length - SHOWN })}</li>
            ) : null}
          </ul>
        )
      ) : null}
      {failure ? (
        <p className="alert" role="alert">
          {failure}
        </p>
      ) : null}
    </SettingsSection>
  );
}
