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
