// The virtualized grid: rows of as many columns as the width allows, only the rows on screen in the DOM, and the
// next page asked for as the artist scrolls near the end of what is loaded (rows past it show placeholders).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { GalleryImage } from '../../../preload/schemas/gallery';
import { TileCaption, TileContent } from './gallery-tile';

const MIN_TILE = 168;
const GAP = 8;
/** The prompt and seed under each thumbnail: part of every row's height, so the thumbnail itself stays square. */
const CAPTION = 40;

export interface GridProps {
  images: readonly GalleryImage[];
  total: number;
  selected: ReadonlySet<number>;
  onSelect: (index: number, event: { ctrl: boolean; shift: boolean }) => void;
  onOpen: (index: number) => void;
  onRetry: (id: number) => void;
  onNeedMore: () => void;
}

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

export function GalleryGrid(props: GridProps) {
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const width = useWidth(scroller);
  const columns = Math.max(1, Math.floor((width + GAP) / (MIN_TILE + GAP)));
  const tile = width > 0 ? (width - GAP * (columns - 1)) / columns : MIN_TILE;
  const rowCount = Math.ceil(Math.max(props.total, props.images.length) / columns);

  // The virtualizer re-renders this component on scroll; none of its functions are passed to memoized children.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => tile + CAPTION + GAP,
    overscan: 3,
  });
  useEffect(() => virtualizer.measure(), [tile, virtualizer]);

  const items = virtualizer.getVirtualItems();
  const lastRow = items.at(-1)?.index ?? 0;
  const { images, onNeedMore } = props;
  useEffect(() => {
    // Ask for the next page while a few rows of loaded images are still below the screen.
    if ((lastRow + 4) * columns >= images.length) onNeedMore();
  }, [lastRow, columns, images.length, onNeedMore]);

  const click = (index: number) => (event: MouseEvent) => {
    setFocusIndex(index);
    props.onSelect(index, { ctrl: event.ctrlKey || event.metaKey, shift: event.shiftKey });
  };
  // Arrow keys move focus between tiles (scrolling the row into view first, as it may not be rendered yet).
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  // Set by a key press only, and cleared once focused: a later render must not pull focus back from elsewhere.
  const pendingFocus = useRef<number | null>(null);
  useEffect(() => {
    if (pendingFocus.current === null) return;
    const tile = scroller.current?.querySelector<HTMLElement>(`[data-index="${pendingFocus.current}"]`);
    if (!tile) return;
    tile.focus();
    pendingFocus.current = null;
  });
  const key = (index: number) => (event: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -columns, ArrowDown: columns };
    const move = moves[event.key];
    if (event.key === 'Enter') {
      event.preventDefault();
      props.onOpen(index);
    } else if (move !== undefined) {
      event.preventDefault();
      const next = Math.min(images.length - 1, Math.max(0, index + move));
      virtualizer.scrollToIndex(Math.floor(next / columns));
      pendingFocus.current = next;
      setFocusIndex(next);
      if (event.shiftKey) props.onSelect(next, { ctrl: false, shift: true });
    }
  };

  return (
    <div ref={scroller} className="gallery-grid" aria-label={t('gallery.grid.label')} role="region" tabIndex={-1}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((row) => (
          <div
            key={row.key}
            className="gallery-grid__row"
            style={{ transform: `translateY(${row.start}px)`, height: tile + CAPTION, gap: GAP }}
          >
            {Array.from({ length: columns }, (_, column) => {
              const index = row.index * columns + column;
              if (index >= Math.max(props.total, images.length)) return null;
              const image = images[index];
              if (!image)
                return <div key={column} className="tile tile--loading" style={{ width: tile, height: tile }} />;
              const label = image.positive?.trim() ? image.positive : image.filename;
              // The caption sits outside the button: the button's name stays the prompt its label says.
              return (
                <div key={image.id} className="tile-cell" style={{ width: tile }}>
                  <button
                    type="button"
                    className="tile"
                    style={{ width: tile, height: tile }}
                    aria-pressed={props.selected.has(image.id)}
                    aria-label={label}
                    data-image-id={image.id}
                    data-index={index}
                    tabIndex={index === (focusIndex ?? 0) ? 0 : -1}
                    onClick={click(index)}
                    onDoubleClick={() => props.onOpen(index)}
                    onKeyDown={key(index)}
                  >
                    <TileContent image={image} onRetry={() => props.onRetry(image.id)} />
                  </button>
                  <TileCaption image={image} />
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
