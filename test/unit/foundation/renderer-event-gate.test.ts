import { describe, expect, it } from 'vitest';
import { RendererEventGate } from '../../../main/contract/renderer-event-gate';

function gate() {
  const sent: unknown[] = [];
  const g = new RendererEventGate((event, payload) => sent.push([event, payload]), 3);
  return { g, sent };
}

const settings = { theme: 'dark', language: 'en' } as const;

describe('the renderer event gate', () => {
  it('holds events until the renderer is mounted, then sends them in order', () => {
    const { g, sent } = gate();
    g.push('settings.changed', settings);
    expect(sent).toEqual([]);
    g.rendererReady();
    g.push('settings.changed', { ...settings, theme: 'light' });
    expect(sent).toEqual([
      ['settings.changed', settings],
      ['settings.changed', { ...settings, theme: 'light' }],
    ]);
  });

  it('keeps sending across page switches (same-document navigations) and subframe navigations', () => {
    const { g, sent } = gate();
    g.rendererReady();
    g.navigationStarted({ isMainFrame: true, isSameDocument: true });
    g.navigationStarted({ isMainFrame: false, isSameDocument: false });
    g.push('settings.changed', settings);
    expect(sent).toHaveLength(1);
  });

  it('holds events again after a reload until the new renderer is mounted', () => {
    const { g, sent } = gate();
    g.rendererReady();
    g.navigationStarted({ isMainFrame: true, isSameDocument: false });
    g.push('settings.changed', settings);
    expect(sent).toEqual([]);
    g.rendererReady();
    expect(sent).toHaveLength(1);
  });

  it('bounds what it holds for a renderer that never mounts', () => {
    const { g, sent } = gate();
    for (let i = 0; i < 10; i += 1) g.push('settings.changed', settings);
    g.rendererReady();
    expect(sent).toHaveLength(3);
  });
});
