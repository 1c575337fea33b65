// The gallery before any image exists. The image grid (virtualised, thumbnails) replaces the empty state.
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/empty-state';
import { ArrowRightIcon, GalleryIcon } from '../../components/icons';
import { PageHeader } from '../../components/page-header';
import { navigateTo } from '../../navigation/use-current-page';

export function GalleryPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('gallery.title')} subtitle={t('gallery.subtitle')} />
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
    </>
  );
}
