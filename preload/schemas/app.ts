import { z } from 'zod';
import { Empty, method } from './common';

export const ThemeSchema = z.enum(['system', 'light', 'dark']);
export const LanguageSchema = z.enum(['system', 'en', 'zh-CN']);

export const SettingsSchema = z.object({
  theme: ThemeSchema,
  language: LanguageSchema,
});
export type Settings = z.infer<typeof SettingsSchema>;

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  transport: z.enum(['electron', 'browser']),
  /** Where the app keeps its data, for "Open data folder"; a path, never a secret. */
  dataDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const appMethods = {
  'app.info': method(Empty, AppInfoSchema),
  /** The renderer is mounted: main flushes the events it queued until now. */
  'app.ready': method(Empty, z.void()),
  'settings.get': method(Empty, SettingsSchema),
  'settings.update': method(SettingsSchema.partial().strict(), SettingsSchema),
};

export const appEvents = {
  'settings.changed': SettingsSchema,
};
