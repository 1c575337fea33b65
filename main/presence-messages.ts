// The few sentences main shows on its own (the batch-finished notification), in the two languages the renderer
// speaks. A table rather than i18next: main says two sentences, and the renderer's bundle stays the only catalogue.
import type { Settings } from '../preload/schemas/app';

export type PresenceLanguage = 'en' | 'zh-CN';

export interface BatchCounts {
  label: string;
  total: number;
  succeeded: number;
  failed: number;
}

/** `system` follows the OS language the way the renderer does: any Chinese locale reads Simplified Chinese. */
export function presenceLanguage(
  setting: Settings['language'],
  systemLanguage: string = Intl.DateTimeFormat().resolvedOptions().locale,
): PresenceLanguage {
  if (setting !== 'system') return setting;
  return /^zh\b/i.test(systemLanguage) ? 'zh-CN' : 'en';
}

const batchFinished: Record<PresenceLanguage, (counts: BatchCounts) => { title: string; body: string }> = {
  en: ({ label, total, succeeded, failed }) => ({
    title: 'Batch finished',
    body: `${label}: ${succeeded} of ${total} succeeded${failed > 0 ? `, ${failed} failed` : ''}.`,
  }),
  'zh-CN': ({ label, total, succeeded, failed }) => ({
    title: '批次已完成',
    body: `${label}：${total} 个中 ${succeeded} 个成功${failed > 0 ? `，${failed} 个失败` : ''}。`,
  }),
};

export function batchFinishedMessage(language: PresenceLanguage, counts: BatchCounts): { title: string; body: string } {
  return batchFinished[language](counts);
}

const autoStop: Record<
  PresenceLanguage,
  {
    warning: (name: string, idleMinutes: number) => { title: string; body: string };
    stopped: (name: string, idleMinutes: number) => { title: string; body: string };
  }
> = {
  en: {
    warning: (name, minutes) => ({
      title: `${name} stops in a minute`,
      body: `Nothing has run on it for ${minutes - 1} minutes. Open ArtLab Desktop and choose Keep running to keep it.`,
    }),
    stopped: (name, minutes) => ({
      title: `${name} stopped`,
      body: `Stopped after ${minutes} idle minutes: it no longer holds a GPU. Start it again from the Services page.`,
    }),
  },
  'zh-CN': {
    warning: (name, minutes) => ({
      title: `${name} 将在一分钟后停止`,
      body: `它已经 ${minutes - 1} 分钟没有运行任务。打开 ArtLab Desktop 并选择“保持运行”即可保留。`,
    }),
    stopped: (name, minutes) => ({
      title: `${name} 已停止`,
      body: `空闲 ${minutes} 分钟后已停止，不再占用 GPU。可在“服务”页面重新启动。`,
    }),
  },
};

export function autoStopMessage(
  language: PresenceLanguage,
  kind: 'warning' | 'stopped',
  name: string,
  idleMinutes: number,
): { title: string; body: string } {
  return autoStop[language][kind](name, idleMinutes);
}
