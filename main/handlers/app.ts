// app.* and settings.*: what the app is and where it keeps its data, the renderer's "I am mounted", and the
// artist's settings.
import type { ContractHandlers } from '../../preload/contract';
import type { EventHub } from '../contract/event-hub';
import type { SettingsRepository } from '../settings';

export type AppHandlers = Pick<ContractHandlers, 'app.info' | 'app.ready' | 'settings.get' | 'settings.update'>;

export interface AppHandlerDeps {
  app: { name: string; version: string; platform: string; transport: 'electron' | 'browser' };
  dataDir: string;
  settings: SettingsRepository;
  events: EventHub;
  /** The transports flush their queued events when the renderer reports it is mounted. */
  rendererReady: () => void;
}

export function appHandlers({ app, dataDir, settings, events, rendererReady }: AppHandlerDeps): AppHandlers {
  return {
    'app.info': () => Promise.resolve({ ...app, dataDir }),
    'app.ready': () => {
      rendererReady();
      return Promise.resolve();
    },
    'settings.get': () => Promise.resolve(settings.read()),
    'settings.update': (patch) => {
      const next = settings.update(patch);
      events.emit('settings.changed', next);
      return Promise.resolve(next);
    },
  };
}
