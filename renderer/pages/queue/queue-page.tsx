// The queue before any job exists. The job list (virtualised, live progress) replaces the empty state.
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/empty-state';
import { ArrowRightIcon, QueueIcon } from '../../components/icons';
import { PageHeader } from '../../components/page-header';
import { navigateTo } from '../../navigation/use-current-page';

export function QueuePage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('queue.title')} subtitle={t('queue.subtitle')} />
      <EmptyState
        icon={<QueueIcon size={28} />}
        title={t('queue.empty.title')}
        action={
          <button type="button" className="button" onClick={() => navigateTo('compose')}>
            {t('queue.empty.action')}
            <ArrowRightIcon size={18} />
          </button>
        }
      >
        <p>{t('queue.empty.body')}</p>
      </EmptyState>
    </>
  );
}
