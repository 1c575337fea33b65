import { SettingsSchema, type Settings } from '../preload/schemas/app';
import type { KeyValueStore } from './adapters';

const KEY = 'settings';
const defaults: Settings = { theme: 'system', language: 'system' };

export class SettingsRepository {
  constructor(private readonly store: KeyValueStore) {}

  read(): Settings {
    // A hand-edited or older file must not break start-up: fall back field by field.
    const stored = SettingsSchema.partial().safeParse(this.store.get(KEY));
    return { ...defaults, ...(stored.success ? stored.data : {}) };
  }

  update(patch: Partial<Settings>): Settings {
    const next = SettingsSchema.parse({ ...this.read(), ...patch });
    this.store.set(KEY, next);
    return next;
  }
}
