// Remembers the window's size and position; a saved position on a monitor that is gone is ignored.
import { screen, type BrowserWindow } from 'electron';
import { z } from 'zod';
import type { KeyValueStore } from '../adapters';

const KEY = 'window';
const BoundsSchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number().min(400),
  height: z.number().min(300),
});
const StateSchema = z.object({ bounds: BoundsSchema, maximized: z.boolean() });

export type WindowBounds = { width: number; height: number; x?: number; y?: number };

export function restoreWindowState(store: KeyValueStore): { bounds: WindowBounds; maximized: boolean } {
  const fallback = { bounds: { width: 1280, height: 820 }, maximized: false };
  const saved = StateSchema.safeParse(store.get(KEY));
  if (!saved.success) return fallback;
  const { bounds } = saved.data;
  const visible = screen
    .getAllDisplays()
    .some(
      ({ workArea: a }) =>
        bounds.x < a.x + a.width &&
        bounds.x + bounds.width > a.x &&
        bounds.y < a.y + a.height &&
        bounds.y + bounds.height > a.y,
    );
  return visible
    ? saved.data
    : { bounds: { width: bounds.width, height: bounds.height }, maximized: saved.data.maximized };
}

export function trackWindowState(window: BrowserWindow, store: KeyValueStore): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    if (window.isDestroyed() || window.isMinimized()) return;
    store.set(KEY, { bounds: window.getNormalBounds(), maximized: window.isMaximized() });
  };
  const saveSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  window.on('resize', saveSoon);
  window.on('move', saveSoon);
  window.on('close', () => {
    clearTimeout(timer);
    save();
  });
}
