// The gallery: every image the app fetched, in a virtualized grid that pages through the index as the artist scrolls,
// with filters, multi-select and bulk actions, a lightbox, and the OSS browser for images made outside the app.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GalleryFilters } from '../../../preload/schemas/gallery';
import { artlab, transport } from '../../api/artlab';
import { Dialog } from '../../components/dialog';
import { EmptyState } from '../../components/empty-state';
import { ArrowRightIcon, GalleryIcon } from '../../components/icons';
import { PageHeader } from '../../components/page-header';
import { galleryImageHandoff } from '../../navigation/page-handoff';
import { navigateTo } from '../../navigation/use-current-page';
import { errorMessage } from '../../settings/settings-context';
import { downloadOriginals } from './download-originals';
import { GalleryFilterBar, useFilterChoices } from './gallery-filters';
import { GalleryGrid } from './gallery-grid';
import { Lightbox } from './lightbox';
import { OssBrowser } from './oss-browser';
import { useGallery, type GallerySort } from './use-gallery';
import { useSelection } from './use-selection';
import './gallery.css';

export function GalleryPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<GalleryFilters>({});
  const [sort, setSort] = useState<GallerySort>('newest');
  const gallery = useGallery(filters, sort);
  const choices = useFilterChoices();
  // The open image by id: live additions at the top shift indexes while the lightbox is showing.
  const [openId, setOpenId] = useState<number | null>(null);
  const openIndex = openId === null ? -1 : gallery.images.findIndex((image) => image.id === openId);
  const open = openIndex >= 0 ? openIndex : null;
  const openAt = useCallback((index: number) => setOpenId(gallery.images[index]?.id ?? null), [gallery.images]);
  // Another page asked to show one image (a Queue thumbnail): its batch's images, with that one open in the viewer.
  useEffect(() => {
    const show = () => {
      const handoff = galleryImageHandoff.take();
      if (!handoff) return;
      setFilters({
        ...(handoff.batchId === null ? {} : { batchId: handoff.batchId }),
        ...(handoff.previews ? { previews: true } : {}),
      });
      setOpenId(handoff.imageId);
    };
    show();
    return galleryImageHandoff.onGive(show);
  }, []);
  const [ossOpen, setOssOpen] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const selection = useSelection(gallery.images, open === null && !ossOpen && !confirmDelete);
  const ids = [...selection.selected];

  const run = useCallback(async (action: () => Promise<string | null>) => {
    try {
      setNotice(await action());
      setActionError(null);
    } catch (cause) {
      setActionError(errorMessage(cause));
    }
  }, []);

  const retry = useCallback(
    (id: number) => void run(async () => (await artlab.call('gallery.retry', { ids: [id] }), null)),
    [run],
  );

  const allFavorite = ids.length > 0 && gallery.images.every((i) => !selection.selected.has(i.id) || i.favorite);
  const bulkFavorite = () =>
    void run(async () => {
      await artlab.call('gallery.setFavorite', { ids, favorite: !allFavorite });
      return null;
    });
  const bulkExport = () =>
    void run(async () => {
      if (transport === 'browser') {
        const chosen = gallery.images.filter((image) => selection.selected.has(image.id));
        return t('gallery.bulk.downloaded', { count: downloadOriginals(chosen) });
      }
      const result = await artlab.call('gallery.export', { ids });
      if (result.folder === null) return null;
      return t('gallery.bulk.exported', { count: result.exported, skipped: result.skipped, folder: result.folder });
    });
  const bulkDelete = () =>
    void run(async () => {
      setConfirmDelete(false);
      const result = await artlab.call('gallery.deleteLocal', { ids });
      selection.clear();
      return t('gallery.bulk.deleted', { count: result.removed });
    });

  const filtered = Object.values(filters).some((value) => value !== undefined);
  const actions = (
    <button type="button" className="button" onClick={() => setOssOpen(true)}>
      {t('gallery.oss.open')}
    </button>
  );
  const error = actionError ?? gallery.error;

  return (
    <div className="gallery-page">
      <PageHeader title={t('gallery.title')} subtitle={t('gallery.subtitle')} actions={actions} />
      {gallery.total === 0 && !filtered ? (
        <EmptyState
          icon={<GalleryIcon size={28} />}
          title={t('gallery.empty.title')}
          action={
            <button type="button" className="button" onClick={() => navigateTo('compose')}>
              {t('gallery.empty.action')}
              <ArrowRightIcon size={18} />
            </button>
          }
        >
          <p>{t('gallery.empty.body')}</p>
        </EmptyState>
      ) : (
        <>
          <GalleryFilterBar filters={filters} sort={sort} choices={choices} onFilters={setFilters} onSort={setSort} />
          <div className="gallery-toolbar" aria-live="polite">
            {ids.length > 0 ? (
              <>
                <span className="gallery-toolbar__count">{t('gallery.bulk.selected', { count: ids.length })}</span>
                <button type="button" className="button" onClick={bulkFavorite}>
                  {allFavorite ? t('gallery.bulk.unfavorite') : t('gallery.bulk.favorite')}
                </button>
                <button type="button" className="button" onClick={bulkExport}>
                  {t(transport === 'browser' ? 'gallery.bulk.download' : 'gallery.bulk.export')}
                </button>
                <button type="button" className="button" onClick={() => setConfirmDelete(true)}>
                  {t('gallery.bulk.delete')}
                </button>
                <button type="button" className="button" onClick={selection.clear}>
                  {t('gallery.bulk.clear')}
                </button>
              </>
            ) : (
              <>
                <span className="muted">
                  {gallery.total === null ? t('common.loading') : t('gallery.count', { count: gallery.total })}
                </span>
                {gallery.total ? <span className="gallery-toolbar__hint">{t('gallery.hint')}</span> : null}
              </>
            )}
          </div>
          {error ? (
            <p className="alert" role="alert">
              {error}
            </p>
          ) : null}
          {notice ? (
            <p className="notice" role="status">
              {notice}
            </p>
          ) : null}
          {gallery.total === 0 ? (
            <p className="muted gallery-none">{t('gallery.noMatch')}</p>
          ) : (
            <GalleryGrid
              images={gallery.images}
              total={gallery.total ?? 0}
              selected={selection.selected}
              onSelect={selection.select}
              onOpen={openAt}
              onRetry={retry}
              onNeedMore={gallery.loadMore}
            />
          )}
        </>
      )}
      {open !== null ? (
        <Lightbox
          images={gallery.images}
          index={open}
          total={gallery.total ?? gallery.images.length}
          serviceName={(id) => choices.services.find((service) => service.id === id)?.name}
          onIndex={openAt}
          onNeedMore={gallery.loadMore}
          onClose={() => setOpenId(null)}
        />
      ) : null}
      <OssBrowser open={ossOpen} services={choices.services} onClose={() => setOssOpen(false)} />
      <Dialog open={confirmDelete} title={t('gallery.bulk.deleteTitle')} onClose={() => setConfirmDelete(false)}>
        <div className="dialog__body">
          <p>{t('gallery.bulk.deleteBody', { count: ids.length })}</p>
          <div className="dialog__actions gallery-dialog-actions">
            <button type="button" className="button" onClick={() => setConfirmDelete(false)} data-autofocus>
              {t('common.cancel')}
            </button>
            <button type="button" className="button button--primary" onClick={bulkDelete}>
              {t('gallery.bulk.deleteConfirm')}
            </button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
