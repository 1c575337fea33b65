import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/page-header';
import { useSettings } from '../../settings/settings-context';
import { AboutSection } from './about-section';
import { AppearanceSection } from './appearance-section';
import { DiagnosticsSection } from './diagnostics-section';
import { ShortcutsSection } from './shortcuts-section';
import { UpdatesSection } from './updates-section';
import { WildcardsSection } from './wildcards-section';

export function SettingsPage() {
  const { t } = useTranslation();
  const { error } = useSettings();
  return (
    <>
      <PageHeader title={t('settings.title')} subtitle={t('settings.subtitle')} />
      {error ? (
        <p className="alert" role="alert">
          {t('settings.error', { message: error })}
        </p>
      ) : null}
      <div className="settings">
        <AppearanceSection />
        <ShortcutsSection />
        <WildcardsSection />
        <UpdatesSection />
        <DiagnosticsSection />
        <AboutSection />
      </div>
    </>
  );
}
