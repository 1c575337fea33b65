import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { hashForPage, pageIds, type PageId } from '../navigation/pages';
import { shortcutModifier } from '../navigation/page-shortcuts';
import { ComposeIcon, GalleryIcon, LogoMark, QueueIcon, ServicesIcon, SettingsIcon } from './icons';

const icons: Record<PageId, ReactNode> = {
  services: <ServicesIcon />,
  compose: <ComposeIcon />,
  queue: <QueueIcon />,
  gallery: <GalleryIcon />,
  settings: <SettingsIcon />,
};

function NavLink(props: { page: PageId; index: number; current: boolean }) {
  const { t } = useTranslation();
  const shortcut = `${shortcutModifier}+${String(props.index + 1)}`;
  return (
    <li>
      <a
        className="nav-link"
        href={hashForPage(props.page)}
        aria-current={props.current ? 'page' : undefined}
        aria-keyshortcuts={`${shortcutModifier === 'Ctrl' ? 'Control' : 'Meta'}+${String(props.index + 1)}`}
        title={`${t(`nav.${props.page}`)} (${shortcut})`}
      >
        {icons[props.page]}
        <span className="nav-link__label">{t(`nav.${props.page}`)}</span>
        <kbd className="nav-link__shortcut" aria-hidden="true">
          {shortcut}
        </kbd>
      </a>
    </li>
  );
}

/**
 * The left column: the app's mark and the five pages; Settings sits apart at the bottom, as in most desktop apps.
 * A plain <div>, not <aside>: the column is navigation, not content complementary to the page.
 */
export function Sidebar(props: { current: PageId }) {
  const { t } = useTranslation();
  const work = pageIds.filter((page) => page !== 'settings');
  return (
    <div className="sidebar">
      <div className="sidebar__brand">
        <LogoMark />
        <span className="sidebar__name">{t('app.name')}</span>
      </div>
      <nav className="sidebar__nav" aria-label={t('nav.label')}>
        <ul className="nav-list">
          {work.map((page) => (
            <NavLink key={page} page={page} index={pageIds.indexOf(page)} current={props.current === page} />
          ))}
        </ul>
        <ul className="nav-list nav-list--bottom">
          <NavLink page="settings" index={pageIds.indexOf('settings')} current={props.current === 'settings'} />
        </ul>
      </nav>
    </div>
  );
}
