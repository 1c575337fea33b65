// i18next with both languages bundled: no loading over the network (the CSP forbids it and the app works offline).
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhCN from './zh-CN.json';
import type { SupportedLanguage } from './resolve-language';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

export async function initI18n(language: SupportedLanguage): Promise<void> {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: language,
    fallbackLng: 'en',
    initAsync: false,
    // React escapes text itself.
    interpolation: { escapeValue: false },
  });
  document.documentElement.lang = language;
}

export async function applyLanguage(language: SupportedLanguage): Promise<void> {
  if (i18next.language !== language) await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}
