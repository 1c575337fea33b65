import { useTranslation } from 'react-i18next';
import { LanguageSchema, ThemeSchema } from '../../../preload/schemas/app';
import { useSettings } from '../../settings/settings-context';
import { SettingsRow, SettingsSection } from './settings-section';

export function AppearanceSection() {
  const { t } = useTranslation();
  const { settings, update } = useSettings();
  return (
    <SettingsSection title={t('settings.appearance.title')}>
      <SettingsRow label={t('settings.appearance.theme')} hint={t('settings.appearance.themeHint')}>
        {({ controlId, hintId }) => (
          <select
            id={controlId}
            className="select"
            aria-describedby={hintId}
            value={settings.theme}
            onChange={(event) => void update({ theme: ThemeSchema.parse(event.target.value) })}
          >
            {ThemeSchema.options.map((theme) => (
              <option key={theme} value={theme}>
                {t(`settings.appearance.themes.${theme}`)}
              </option>
            ))}
          </select>
        )}
      </SettingsRow>
      <SettingsRow label={t('settings.appearance.language')} hint={t('settings.appearance.languageHint')}>
        {({ controlId, hintId }) => (
          <select
            id={controlId}
            className="select"
            aria-describedby={hintId}
            value={settings.language}
            onChange={(event) => void update({ language: LanguageSchema.parse(event.target.value) })}
          >
            {LanguageSchema.options.map((language) => (
              <option key={language} value={language} lang={language === 'system' ? undefined : language}>
                {t(`settings.appearance.languages.${language}`)}
              </option>
            ))}
          </select>
        )}
      </SettingsRow>
    </SettingsSection>
  );
}
