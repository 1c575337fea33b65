import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../preload/schemas/app';
import { artlab } from '../../api/artlab';
import { errorMessage } from '../../settings/settings-context';
import { SettingsSection } from './settings-section';

// Node's process.platform names, as people know them (proper names: the same in every language).
const platformNames: Record<string, string> = { darwin: 'macOS', win32: 'Windows', linux: 'Linux' };

type InfoState = { status: 'loading' } | { status: 'ready'; info: AppInfo } | { status: 'failed'; message: string };

export function AboutSection() {
  const { t } = useTranslation();
  const [state, setState] = useState<InfoState>({ status: 'loading' });

  useEffect(() => {
    let live = true;
    artlab.call('app.info').then(
      (info) => live && setState({ status: 'ready', info }),
      (error: unknown) => live && setState({ status: 'failed', message: errorMessage(error) }),
    );
    return () => {
      live = false;
    };
  }, []);

  return (
    <SettingsSection title={t('settings.about.title')}>
      {state.status === 'loading' ? <p className="muted">{t('common.loading')}</p> : null}
      {state.status === 'failed' ? (
        <p className="alert" role="alert">
          {t('settings.about.failed', { message: state.message })}
        </p>
      ) : null}
      {state.status === 'ready' ? (
        <dl className="facts">
          <div className="facts__row">
            <dt>{t('settings.about.app')}</dt>
            <dd>{state.info.name}</dd>
          </div>
          <div className="facts__row">
            <dt>{t('settings.about.version')}</dt>
            <dd data-testid="app-version">{state.info.version}</dd>
          </div>
          <div className="facts__row">
            <dt>{t('settings.about.transport')}</dt>
            <dd data-testid="app-transport">{t(`settings.about.transports.${state.info.transport}`)}</dd>
          </div>
          <div className="facts__row">
            <dt>{t('settings.about.platform')}</dt>
            <dd>{platformNames[state.info.platform] ?? state.info.platform}</dd>
          </div>
          <div className="facts__row">
            <dt>{t('settings.about.dataDir')}</dt>
            <dd className="facts__path">{state.info.dataDir}</dd>
          </div>
        </dl>
      ) : null}
    </SettingsSection>
  );
}
