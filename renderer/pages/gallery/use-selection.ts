// Multi-select as in a file manager: click picks one, Ctrl/Cmd+click toggles, Shift+click extends from the anchor,
// Ctrl/Cmd+A picks everything loaded. Ids, not indexes, so live additions at the top do not shift the selection.
import { useCallback, useEffect, useState } from 'react';
import type { GalleryImage } from '../../../preload/schemas/gallery';

export interface Selection {
  selected: ReadonlySet<number>;
  select: (index: number, modifiers: { ctrl: boolean; shift: boolean }) => void;
  clear: () => void;
}

export function useSelection(images: readonly GalleryImage[], enabled: boolean): Selection {
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);

  const select = useCallback(
    (index: number, modifiers: { ctrl: boolean; shift: boolean }) => {
      const image = images[index];
      if (!image) return;
      const anchorIndex = anchor === null ? -1 : images.findIndex((item) => item.id === anchor);
      if (modifiers.shift && anchorIndex >= 0) {
        const [from, to] = anchorIndex < index ? [anchorIndex, index] : [index, anchorIndex];
        const range = images.slice(from, to + 1).map((item) => item.id);
        setSelected((current) => new Set([...(modifiers.ctrl ? current : []), ...range]));
        return;
      }
      setAnchor(image.id);
      if (modifiers.ctrl) {
        setSelected((current) => {
          const next = new Set(current);
          if (next.has(image.id)) next.delete(image.id);
          else next.add(image.id);
          return next;
        });
      } else {
        setSelected(new Set([image.id]));
      }
    },
    [images, anchor],
  );

  const clear = useCallback(() => setSelected(new Set()), []);

  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
        event.preventDefault();
        setSelected(new Set(images.map((image) => image.id)));
      } else if (event.key === 'Escape') {
        setSelected(new Set());
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [images, enabled]);

  return { selected, select, clear };
}
