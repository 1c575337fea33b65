import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { artlab } from '../../api/artlab';
import { errorMessage } from '../../settings/settings-context';
import { SettingsActionRow } from './settings-action-row';
import { SettingsSection } from './settings-section';

type Outcome =
  | { kind: 'none' }
  | { kind: 'busy' }
  | { kind: 'logsAt'; path: string }
  | { kind: 'saved'; path: string }
  | { kind: 'failed'; message: string };

export function DiagnosticsSection() {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });

  async function openLogs() {
    try {
      const { path, opened } = await artlab.call('diagnostics.openLogs');
      // Where no file manager can be opened (the browser demo), say where the logs are instead.
      setOutcome(opened ? { kind: 'none' } : { kind: 'logsAt', path });
    } catch (error) {
      setOutcome({ kind: 'failed', message: errorMessage(error) });
    }
  }

  async function exportDiagnostics() {
    setOutcome({ kind: 'busy' });
    try {
      const { path } = await artlab.call('diagnostics.export');
      setOutcome(path === null ? { kind: 'none' } : { kind: 'saved', path });
    } catch (error) {
      setOutcome({ kind: 'failed', message: errorMessage(error) });
    }
  }

  return (
    <SettingsSection title={t('settings.diagnostics.title')}>
      <SettingsActionRow title={t('settings.diagnostics.logs')} hint={t('settings.diagnostics.logsHint')}>
        {(hintId) => (
          <button type="button" className="button" aria-describedby={hintId} onClick={() => void openLogs()}>
            {t('settings.diagnostics.openLogs')}
          </button>
        )}
      </SettingsActionRow>
      <SettingsActionRow title={t('settings.diagnostics.export')} hint={t('settings.diagnostics.exportHint')}>
        {(hintId) => (
          <button
            type="button"
            className="button"
            aria-describedby={hintId}
            disabled={outcome.kind === 'busy'}
            onClick={() => void exportDiagnostics()}
          >
            {t('settings.diagnostics.exportButton')}
          </button>
        )}
      </SettingsActionRow>
      <div aria-live="polite">
        {outcome.kind === 'busy' ? <p className="muted">{t('settings.diagnostics.exporting')}</p> : null}
        {outcome.kind === 'logsAt' ? (
          <p className="muted">
            {t('settings.diagnostics.logsAt')} <code className="facts__path">{outcome.path}</code>
          </p>
        ) : null}
        {outcome.kind === 'saved' ? (
          <p className="muted" data-testid="diagnostics-saved">
            {t('settings.diagnostics.savedTo')} <code className="facts__path">{outcome.path}</code>
          </p>
        ) : null}
      </div>
      {outcome.kind === 'failed' ? (
        <p className="alert" role="alert">
          {t('settings.diagnostics.failed', { message: outcome.message })}
        </p>
      ) : null}
    </SettingsSection>
  );
}
