// The shell: sidebar navigation beside the current page. Each page is a component in its own file under pages/.
import { useEffect, useRef, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { artlab } from './api/artlab';
import { PageErrorBoundary } from './components/page-error-boundary';
import { Sidebar } from './components/sidebar';
import { WindowDrop } from './components/window-drop';
import type { PageId } from './navigation/pages';
import { useCurrentPage } from './navigation/use-current-page';
import { ComposePage } from './pages/compose/compose-page';
import { GalleryPage } from './pages/gallery/gallery-page';
import { QueuePage } from './pages/queue/queue-page';
import { ServicesPage } from './pages/services/services-page';
import { SettingsPage } from './pages/settings/settings-page';

const pages: Record<PageId, ComponentType> = {
  services: ServicesPage,
  compose: ComposePage,
  queue: QueuePage,
  gallery: GalleryPage,
  settings: SettingsPage,
};

/** Main holds events back until the renderer can receive them: say so once, after the first render. */
function useAnnounceReady() {
  const announced = useRef(false);
  useEffect(() => {
    if (announced.current) return;
    announced.current = true;
    artlab.call('app.ready').catch((error: unknown) => console.error('app.ready failed', error));
  }, []);
}

export function App() {
  const { t } = useTranslation();
  const current = useCurrentPage();
  const Page = pages[current];
  useAnnounceReady();

  useEffect(() => {
    document.title = `${t(`nav.${current}`)} — ${t('app.name')}`;
  }, [current, t]);

  return (
    <div className="shell">
      <Sidebar current={current} />
      <main className="main" id="main">
        <div className="page" key={current}>
          <PageErrorBoundary>
            <Page />
          </PageErrorBoundary>
        </div>
      </main>
      <WindowDrop />
    </div>
  );
}
