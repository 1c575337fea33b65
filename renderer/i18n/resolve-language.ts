import type { Settings } from '../../preload/schemas/app';

export const supportedLanguages = ['en', 'zh-CN'] as const;
export type SupportedLanguage = (typeof supportedLanguages)[number];

/**
 * The language to show for a setting. `system` follows the OS language: any Chinese locale gets Simplified Chinese
 * (the only Chinese we ship, and closer for zh-TW/zh-HK readers than English); everything else gets English.
 */
export function resolveLanguage(setting: Settings['language'], systemLanguage: string): SupportedLanguage {
  if (setting !== 'system') return setting;
  return /^zh\b/i.test(systemLanguage) ? 'zh-CN' : 'en';
}
