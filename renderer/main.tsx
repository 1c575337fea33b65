import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Settings } from '../preload/schemas/app';
import { artlab } from './api/artlab';
import { App } from './app';
import { initI18n } from './i18n/i18n';
import { resolveLanguage } from './i18n/resolve-language';
import { installPageShortcuts } from './navigation/page-shortcuts';
import { errorMessage, SettingsProvider } from './settings/settings-context';
import { applyTheme } from './theme/apply-theme';
import './styles/theme.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';

const fallbackSettings: Settings = { theme: 'system', language: 'system' };

// Settings are read before the first render so the window never flashes the wrong theme or language. If main
// cannot answer, the app still opens with the defaults and Settings shows why.
async function start(root: HTMLElement): Promise<void> {
  let initial = fallbackSettings;
  let initialError: string | null = null;
  try {
    initial = await artlab.call('settings.get');
  } catch (error) {
    initialError = errorMessage(error);
  }
  applyTheme(initial.theme);
  installPageShortcuts();
  await initI18n(resolveLanguage(initial.language, navigator.language));
  createRoot(root).render(
    <StrictMode>
      <SettingsProvider initial={initial} initialError={initialError}>
        <App />
      </SettingsProvider>
    </StrictMode>,
  );
}

const root = document.getElementById('root');
if (root) start(root).catch((error: unknown) => console.error('The window could not start', error));
