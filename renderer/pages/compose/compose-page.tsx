// Compose before a workflow is loaded. The workflow editor replaces the empty state; the built-in starter shows here.
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/empty-state';
import { ArrowRightIcon, ComposeIcon } from '../../components/icons';
import { PageHeader } from '../../components/page-header';
import { navigateTo } from '../../navigation/use-current-page';

export function ComposePage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('compose.title')} subtitle={t('compose.subtitle')} />
      <EmptyState
        icon={<ComposeIcon size={28} />}
        title={t('compose.empty.title')}
        action={
          <button type="button" className="button" onClick={() => navigateTo('services')}>
            {t('compose.empty.action')}
            <ArrowRightIcon size={18} />
          </button>
        }
      >
        <p>{t('compose.empty.body')}</p>
        <p className="muted">{t('compose.empty.import')}</p>
      </EmptyState>
    </>
  );
}
