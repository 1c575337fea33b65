import { useTranslation } from 'react-i18next';
import { pageIds } from '../../navigation/pages';
import { shortcutModifier } from '../../navigation/page-shortcuts';
import { SettingsSection } from './settings-section';

export function ShortcutsSection() {
  const { t } = useTranslation();
  return (
    <SettingsSection title={t('settings.shortcuts.title')}>
      <dl className="shortcut-list">
        {pageIds.map((page, index) => (
          <div key={page} className="shortcut-list__row">
            <dt>{t('settings.shortcuts.goTo', { page: t(`nav.${page}`) })}</dt>
            <dd>
              <kbd className="kbd">{shortcutModifier}</kbd>
              <kbd className="kbd">{index + 1}</kbd>
            </dd>
          </div>
        ))}
      </dl>
    </SettingsSection>
  );
}
