// The app's settings as React state: loaded before the first render (no flash of the wrong theme or language),
// kept in sync with main through `settings.changed`, and applied to the document (theme, language) as they change.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Settings } from '../../preload/schemas/app';
import { artlab } from '../api/artlab';
import { errorSentence } from '../i18n/error-sentence';
import { applyLanguage } from '../i18n/i18n';
import { resolveLanguage } from '../i18n/resolve-language';
import { followSystemTheme } from '../theme/apply-theme';

export interface SettingsState {
  settings: Settings;
  /** The last failure to load or save, as a sentence for the user; null when all is well. */
  error: string | null;
  update: (patch: Partial<Settings>) => Promise<void>;
}

const SettingsContext = createContext<SettingsState | null>(null);

/** A failure as a sentence for the user, in the app's language where main gave it a code. */
export function errorMessage(error: unknown): string {
  return errorSentence(error);
}

export function SettingsProvider(props: { initial: Settings; initialError: string | null; children: ReactNode }) {
  const [settings, setSettings] = useState(props.initial);
  const [error, setError] = useState(props.initialError);

  useEffect(() => artlab.on('settings.changed', setSettings), []);
  useEffect(() => followSystemTheme(settings.theme), [settings.theme]);
  useEffect(() => {
    applyLanguage(resolveLanguage(settings.language, navigator.language)).catch((cause: unknown) =>
      setError(errorMessage(cause)),
    );
  }, [settings.language]);

  const update = useCallback(async (patch: Partial<Settings>) => {
    try {
      setSettings(await artlab.call('settings.update', patch));
      setError(null);
    } catch (cause) {
      setError(errorMessage(cause));
    }
  }, []);

  const value = useMemo(() => ({ settings, error, update }), [settings, error, update]);
  return <SettingsContext value={value}>{props.children}</SettingsContext>;
}

export function useSettings(): SettingsState {
  const state = useContext(SettingsContext);
  if (!state) throw new Error('useSettings must be used inside <SettingsProvider>');
  return state;
}
