// The lightbox: one image large (the 768 px thumbnail at once, the original when it has loaded), ←/→ to move, Esc to
// close, F to favorite, +/−/0 to zoom and drag to pan; the metadata panel beside it with the image's actions.
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { GalleryImage, GalleryImageDetails } from '../../../preload/schemas/gallery';
import { artlab } from '../../api/artlab';
import { codedSentence } from '../../i18n/error-sentence';
import { formatNumber } from '../../i18n/format';
import { CloseIcon } from '../../components/icons';
import { errorMessage } from '../../settings/settings-context';
import { LightboxDetails } from './lightbox-details';

const ZOOM_STEPS = [1, 1.5, 2, 3, 4, 6, 8];

function Stage(props: { image: GalleryImage; zoom: number }) {
  const { t } = useTranslation();
  const { image } = props;
  const [loadedOriginal, setLoadedOriginal] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [pan, setPan] = useState({ x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number; startX: number; startY: number } | null>(null);

  // A new zoom level starts centred (adjusted while rendering, as React recommends over an effect).
  const [panZoom, setPanZoom] = useState(props.zoom);
  if (panZoom !== props.zoom) {
    setPanZoom(props.zoom);
    setPan({ x: 0, y: 0 });
  }

  if (image.state !== 'fetched' || image.url === null || failed === image.url) {
    return (
      <div className="lightbox__missing">
        <p>{image.state === 'pending' ? t('gallery.tile.pending') : t('gallery.tile.missing')}</p>
        {image.error ? (
          <p className="muted lightbox__why">{codedSentence(image.errorCode, image.errorParams, image.error)}</p>
        ) : null}
      </div>
    );
  }
  if (image.media === 'audio') {
    return (
      <div className="lightbox__audio">
        <p>{image.filename}</p>
        <audio key={image.id} src={image.url} controls autoPlay data-testid="lightbox-audio" />
      </div>
    );
  }
  if (image.media === 'video') {
    return <video key={image.id} className="lightbox__media" src={image.url} controls autoPlay loop />;
  }
  const original = image.url;
  const shown = loadedOriginal === original ? original : (image.previewUrl ?? original);
  const onPointerDown = (event: PointerEvent<HTMLImageElement>) => {
    if (props.zoom === 1) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: pan.x, y: pan.y, startX: event.clientX, startY: event.clientY };
  };
  const onPointerMove = (event: PointerEvent<HTMLImageElement>) => {
    const start = drag.current;
    if (!start) return;
    setPan({ x: start.x + (event.clientX - start.startX), y: start.y + (event.clientY - start.startY) });
  };
  return (
    <>
      <img
        className={`lightbox__media${props.zoom > 1 ? ' lightbox__media--zoomed' : ''}`}
        src={shown}
        alt={image.positive ?? image.filename}
        draggable={false}
        style={{ transform: `translate(${pan.x}px, ${pan.y}px) scale(${props.zoom})` }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => (drag.current = null)}
        onError={() => setFailed(shown)}
      />
      {/* The original loads behind the preview and replaces it once complete: no half-drawn image. */}
      {shown !== original ? (
        <img hidden src={original} alt="" onLoad={() => setLoadedOriginal(original)} onError={() => undefined} />
      ) : null}
    </>
  );
}

export function Lightbox(props: {
  images: readonly GalleryImage[];
  index: number;
  /**
   * How many images match the filters: the exact count, not the loaded one (use-gallery takes it from the first
   * page's count and keeps it current as images arrive or leave), so "12 of 340" is true before 340 are loaded.
   */
  total: number;
  serviceName: (id: string) => string | undefined;
  onIndex: (index: number) => void;
  onNeedMore: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const [zoom, setZoom] = useState(1);
  const [details, setDetails] = useState<GalleryImageDetails | null>(null);
  const [error, setError] = useState<string | null>(null);
  const image = props.images[props.index];
  const { index, images, onIndex, onNeedMore, onClose } = props;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  useEffect(() => {
    if (index >= images.length - 5) onNeedMore();
  }, [index, images.length, onNeedMore]);
  const go = (next: number) => {
    setZoom(1);
    onIndex(next);
  };

  const id = image?.id;
  const version = image ? `${image.state}/${String(image.favorite)}` : '';
  useEffect(() => {
    if (id === undefined) return;
    let cancelled = false;
    artlab
      .call('gallery.get', { id })
      .then((answer) => {
        if (!cancelled) setDetails(answer);
      })
      .catch((cause: unknown) => {
        if (!cancelled) setError(errorMessage(cause));
      });
    return () => {
      cancelled = true;
    };
  }, [id, version]);

  const favorite = () => {
    if (!image) return;
    artlab
      .call('gallery.setFavorite', { ids: [image.id], favorite: !image.favorite })
      .catch((cause: unknown) => setError(errorMessage(cause)));
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    // Typing in a field is not a shortcut; on a focused button only Enter and Space keep their meaning.
    if (/^(INPUT|TEXTAREA|SELECT)$/.test((event.target as HTMLElement).tagName)) return;
    const step = ZOOM_STEPS.indexOf(zoom);
    switch (event.key) {
      case 'ArrowRight':
        if (index < images.length - 1) go(index + 1);
        break;
      case 'ArrowLeft':
        if (index > 0) go(index - 1);
        break;
      case 'f':
      case 'F':
        favorite();
        break;
      case '+':
      case '=':
        setZoom(ZOOM_STEPS[Math.min(ZOOM_STEPS.length - 1, step + 1)] ?? zoom);
        break;
      case '-':
      case '_':
        setZoom(ZOOM_STEPS[Math.max(0, step - 1)] ?? zoom);
        break;
      case '0':
        setZoom(1);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  return (
    <dialog
      ref={ref}
      className="lightbox"
      aria-label={t('gallery.lightbox.label')}
      onClose={onClose}
      onKeyDown={onKeyDown}
    >
      <div className="lightbox__stage">
        {image ? <Stage key={image.id} image={image} zoom={zoom} /> : null}
        <div className="lightbox__bar">
          <button type="button" className="lightbox__nav" disabled={index === 0} onClick={() => go(index - 1)}>
            {t('gallery.lightbox.previous')}
          </button>
          <span className="lightbox__position">
            {t('gallery.lightbox.position', {
              index: formatNumber(index + 1),
              total: formatNumber(Math.max(props.total, images.length)),
            })}
          </span>
          <span className="lightbox__zoom">{`${Math.round(zoom * 100)}%`}</span>
          <button
            type="button"
            className="lightbox__nav"
            disabled={index >= images.length - 1}
            onClick={() => go(index + 1)}
          >
            {t('gallery.lightbox.next')}
          </button>
        </div>
      </div>
      <aside className="lightbox__panel">
        <header className="lightbox__header">
          <h2 className="lightbox__title">{image?.filename ?? ''}</h2>
          <button type="button" className="icon-button" aria-label={t('common.close')} onClick={onClose}>
            <CloseIcon size={18} />
          </button>
        </header>
        {error ? (
          <p className="alert" role="alert">
            {error}
          </p>
        ) : null}
        {image && details?.id === image.id ? (
          <LightboxDetails
            details={{ ...details, favorite: image.favorite }}
            serviceName={props.serviceName(image.serviceId)}
            onFavorite={favorite}
            onError={setError}
          />
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </aside>
    </dialog>
  );
}
