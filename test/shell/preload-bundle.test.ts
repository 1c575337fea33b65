// out/preload/index.cjs as it ships, evaluated the way a sandboxed renderer runs it (its own V8 context, `require`
// limited to `electron`): it exposes `window.artlab` built from the contract and nothing else. Its round trip through
// the real main bundle is in main-bundle.test.ts.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CALL_CHANNEL, EVENT_CHANNEL, eventNames, methodNames } from '../../preload/contract';
import { bundles, ensureBuiltBundles } from './support/built-bundles';
import { runPreload, type PreloadSandbox } from './support/preload-sandbox';

let code: string;
beforeAll(async () => {
  await ensureBuiltBundles();
  code = readFileSync(bundles.preload, 'utf8');
}, 60_000);

describe('the preload bundle on its own', () => {
  let preload: PreloadSandbox;
  beforeAll(() => {
    preload = runPreload(code, () => Promise.resolve({ ok: true, value: null }));
  });

  it('exposes window.artlab with call and on, and nothing else; never ipcRenderer', () => {
    expect(Object.keys(preload.mainWorld)).toEqual(['artlab']);
    const artlab = preload.mainWorld.artlab as Record<string, unknown>;
    expect(Object.keys(artlab).sort()).toEqual(['call', 'on']);
    for (const value of Object.values(artlab)) {
      expect(typeof value).toBe('function');
      expect(value).not.toBe(preload.ipcRenderer);
      expect(Object.keys(value as object)).toEqual([]);
    }
    // ipcRenderer is read when a call is made, never handed over.
    expect([...preload.electronMembersRead]).toEqual(['contextBridge']);
  });

  it('passes every contract method to main on the call channel, and refuses an unknown one without sending', async () => {
    const artlab = preload.mainWorld.artlab as { call(method: string, input?: unknown): Promise<unknown> };
    for (const method of methodNames) await artlab.call(method, { probe: method });
    expect(preload.ipcRenderer.invocations).toEqual(
      methodNames.map((method) => ({ channel: CALL_CHANNEL, args: [method, { probe: method }] })),
    );
    await expect(artlab.call('ipc.send')).rejects.toThrow('Unknown method ipc.send');
    expect(preload.ipcRenderer.invocations).toHaveLength(methodNames.length);
    expect([...preload.electronMembersRead].sort()).toEqual(['contextBridge', 'ipcRenderer']);
  });

  it('subscribes to every contract event on the event channel, and refuses an unknown one', () => {
    const artlab = preload.mainWorld.artlab as { on(event: string, listener: () => void): () => void };
    const unsubscribes = eventNames.map((event) => artlab.on(event, () => undefined));
    expect(preload.ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(eventNames.length);
    for (const unsubscribe of unsubscribes) unsubscribe();
    expect(preload.ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(0);
    expect(() => artlab.on('artlab:call', () => undefined)).toThrow('Unknown event artlab:call');
    expect(preload.ipcRenderer.eventNames()).toEqual([]);
  });

  it('hands a listener the payload only, never the IPC event whose sender is ipcRenderer', () => {
    const artlab = preload.mainWorld.artlab as {
      on(event: string, listener: (...args: unknown[]) => void): () => void;
    };
    const calls: unknown[][] = [];
    const unsubscribe = artlab.on('settings.changed', (...args) => calls.push(args));
    preload.deliver(EVENT_CHANNEL, 'services.changed', { services: [] });
    preload.deliver(EVENT_CHANNEL, 'settings.changed', { theme: 'light', language: 'en' });
    unsubscribe();
    expect(calls).toEqual([[{ theme: 'light', language: 'en' }]]);
  });

  it('turns an error envelope into an error that keeps its kind', async () => {
    const failing = runPreload(code, () =>
      Promise.resolve({ ok: false, error: { kind: 'auth', message: 'The token was refused.' } }),
    );
    const artlab = failing.mainWorld.artlab as { call(method: string): Promise<unknown> };
    await expect(artlab.call('services.list')).rejects.toMatchObject({
      name: 'ContractCallError',
      kind: 'auth',
      message: 'The token was refused.',
    });
  });
});
