// The renderer's one handle on main: Electron's preload object when present, else the browser bridge.
import type { ArtlabApi } from '../../preload/contract';
import { createBridgeClient } from './bridge-client';

declare global {
  interface Window {
    artlab?: ArtlabApi;
  }
}

function bridgeSocketUrl(): string {
  // The bridge serves the app under /<secret>/; its socket is /<secret>/ws.
  const secret = window.location.pathname.split('/')[1] ?? '';
  return `ws://${window.location.host}/${secret}/ws`;
}

export const artlab: ArtlabApi = window.artlab ?? createBridgeClient(bridgeSocketUrl());
export const transport: 'electron' | 'browser' = window.artlab ? 'electron' : 'browser';
