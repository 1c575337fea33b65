// One thumbnail of the grid. An image that cannot be shown (missing, removed, or whose thumbnail fails to load) is a
// "missing — retry" tile, never a broken image icon.
import { memo, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { GalleryImage } from '../../../preload/schemas/gallery';

/** The prompt on one line (the whole of it on hover) and the seed, under the thumbnail. */
export function TileCaption(props: { image: GalleryImage }) {
  const { t } = useTranslation();
  const { positive, seed, filename } = props.image;
  const prompt = positive?.trim() ? positive.trim() : null;
  return (
    <span className="tile__caption" data-testid="tile-caption">
      <span className="tile__prompt" title={prompt ?? filename}>
        {prompt ?? filename}
      </span>
      {seed !== null ? (
        <span className="tile__seed" title={seed}>
          {t('ui.gallery.seed', { seed })}
        </span>
      ) : null}
    </span>
  );
}

export const TileContent = memo(function TileContent(props: { image: GalleryImage; onRetry: () => void }) {
  const { t } = useTranslation();
  const { image } = props;
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const src = image.thumbUrl ?? (image.media === 'image' ? image.url : null);
  const broken = image.state === 'missing' || image.state === 'removed' || (src !== null && failedSrc === src);

  if (image.state === 'pending') {
    return (
      <span className="tile__placeholder tile__placeholder--pending">
        <span className="tile__spinner" aria-hidden="true" />
        {t('gallery.tile.pending')}
      </span>
    );
  }
  if (broken) {
    return (
      <span className="tile__placeholder tile__placeholder--missing">
        <span>{image.state === 'removed' ? t('gallery.tile.removed') : t('gallery.tile.missing')}</span>
        <span
          className="tile__retry"
          onClick={(event: MouseEvent) => {
            event.stopPropagation();
            props.onRetry();
          }}
          aria-hidden="true"
        >
          {t('gallery.tile.retry')}
        </span>
      </span>
    );
  }
  return (
    <>
      {src !== null ? (
        <img
          className="tile__img"
          src={src}
          alt=""
          loading="lazy"
          decoding="async"
          draggable={false}
          onError={() => setFailedSrc(src)}
        />
      ) : image.media === 'audio' ? (
        // A sound has no picture: a waveform mark and its file name; it plays in the viewer.
        <span className="tile__placeholder tile__audio">
          <svg
            width="40"
            height="40"
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
            aria-hidden="true"
          >
            <path d="M3 12h2M7 8v8M11 4v16M15 7v10M19 10v4M21 12h0" strokeLinecap="round" />
          </svg>
          <span className="tile__audio-name">{image.filename}</span>
        </span>
      ) : image.url !== null ? (
        // Videos have no thumbnails: the first frame, without sound or autoplay.
        <video className="tile__img" src={image.url} muted preload="metadata" aria-hidden="true" tabIndex={-1} />
      ) : null}
      {image.media === 'video' || image.animated ? (
        <span className="tile__badge" aria-hidden="true">
          <svg width="14" height="14" viewBox="0 0 24 24" fill="currentColor">
            <path d="M8 5v14l11-7z" />
          </svg>
        </span>
      ) : null}
      {image.preview ? (
        <span className="tile__preview" data-testid="tile-preview">
          {t('gallery.preview.badge')}
        </span>
      ) : null}
      {image.favorite ? (
        <span className="tile__favorite" aria-hidden="true">
          ★
        </span>
      ) : null}
    </>
  );
});
