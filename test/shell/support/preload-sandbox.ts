// Runs the built preload (out/preload/index.cjs) the way a sandboxed renderer does: CommonJS in its own V8 context,
// `require` limited to `electron`, which here gives a recording contextBridge and an ipcRenderer whose invoke the
// test answers. What the preload exposes lands in `mainWorld`, the page's side of the bridge.
import { EventEmitter } from 'node:events';
import vm from 'node:vm';
/* eslint-disable no-restricted-imports, boundaries/dependencies -- types only: they keep the stand-in's signatures honest to Electron's API */
import type { ContextBridge, IpcRenderer } from 'electron';
/* eslint-enable no-restricted-imports, boundaries/dependencies */

export type InvokeAnswer = (channel: string, args: unknown[]) => Promise<unknown>;

class StandInIpcRenderer extends EventEmitter implements Pick<IpcRenderer, 'invoke'> {
  readonly invocations: Array<{ channel: string; args: unknown[] }> = [];
  constructor(private readonly answer: InvokeAnswer) {
    super();
  }
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invocations.push({ channel, args });
    return this.answer(channel, args);
  }
}

export interface PreloadSandbox {
  /** What the page can reach: every key exposed through the bridge. */
  readonly mainWorld: Record<string, unknown>;
  readonly ipcRenderer: StandInIpcRenderer;
  /** Which members of the `electron` module the preload read. */
  readonly electronMembersRead: Set<string>;
  /** Main sending on a channel (webContents.send), as the renderer receives it. */
  deliver(channel: string, ...args: unknown[]): void;
}

export function runPreload(code: string, answer: InvokeAnswer): PreloadSandbox {
  const mainWorld: Record<string, unknown> = {};
  const ipcRenderer = new StandInIpcRenderer(answer);
  const contextBridge: Pick<ContextBridge, 'exposeInMainWorld'> = {
    exposeInMainWorld(apiKey: string, api: unknown) {
      if (apiKey in mainWorld) throw new Error(`Cannot bind an API on top of an existing property: ${apiKey}`);
      mainWorld[apiKey] = api;
    },
  };
  const electronMembersRead = new Set<string>();
  const members: Record<string, unknown> = { contextBridge, ipcRenderer };
  const electron = new Proxy(members, {
    get(target, member) {
      electronMembersRead.add(String(member));
      return target[String(member)];
    },
  });
  const sandboxedRequire = (specifier: string): unknown => {
    if (specifier === 'electron') return electron;
    throw new Error(`A sandboxed preload cannot require ${specifier}`);
  };
  const module = { exports: {} };
  const context = vm.createContext({});
  const wrapper: unknown = vm.runInContext(`(function (exports, require, module) {${code}\n})`, context, {
    filename: 'out/preload/index.cjs',
  });
  if (typeof wrapper !== 'function') throw new Error('The preload did not compile to a function.');
  Reflect.apply(wrapper, undefined, [module.exports, sandboxedRequire, module]);
  return {
    mainWorld,
    ipcRenderer,
    electronMembersRead,
    deliver: (channel, ...args) => ipcRenderer.emit(channel, { sender: ipcRenderer }, ...args),
  };
}
