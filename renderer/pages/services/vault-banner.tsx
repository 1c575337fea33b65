// What the vault says about where secrets live, shown only when the artist has something to decide: weaker
// protection to accept, no protection at all, secrets that can no longer be opened, or a damaged settings file.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VaultStatus } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { errorMessage } from '../../settings/settings-context';

export function VaultBanner(props: { status: VaultStatus | null; onStatus: (status: VaultStatus) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const { status } = props;
  if (!status) return null;

  const run = async (method: 'vault.acceptWeak' | 'vault.reset') => {
    try {
      props.onStatus(await artlab.call(method));
      setError(null);
    } catch (cause) {
      setError(errorMessage(cause));
    }
  };

  const messages: { key: string; text: string; action?: { label: string; run: () => void } }[] = [];
  if (status.strength === 'weak' && !status.acceptedWeak) {
    messages.push({
      key: 'weak',
      text: t('services.vault.weak'),
      action: { label: t('services.vault.acceptWeak'), run: () => void run('vault.acceptWeak') },
    });
  }
  if (status.strength === 'unavailable') {
    const reason = status.reasonCode ? t(`errors.codes.${status.reasonCode}`) : (status.reason ?? '');
    messages.push({ key: 'unavailable', text: `${t('services.vault.unavailable')} ${reason}`.trim() });
  }
  if (status.unreadableSecrets > 0) {
    messages.push({
      key: 'unreadable',
      text: t('services.vault.unreadable', { n: status.unreadableSecrets }),
      action: { label: t('services.vault.forget'), run: () => void run('vault.reset') },
    });
  }
  if (status.storeIncident) {
    messages.push({
      key: 'incident',
      text: t('services.vault.incident', { path: status.storeIncident.backupPath }),
      action: { label: t('services.vault.dismiss'), run: () => void run('vault.reset') },
    });
  }
  if (status.quarantinedRecords > 0) {
    messages.push({ key: 'quarantined', text: t('services.vault.quarantined', { n: status.quarantinedRecords }) });
  }
  if (messages.length === 0 && !error) return null;

  return (
    <div className="vault-banner" role="region" aria-label={t('services.vault.label')}>
      {messages.map((message) => (
        <div key={message.key} className="alert vault-banner__item">
          <p>{message.text}</p>
          {message.action ? (
            <button type="button" className="button button--small" onClick={message.action.run}>
              {message.action.label}
            </button>
          ) : null}
        </div>
      ))}
      {error ? (
        <p className="alert" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
