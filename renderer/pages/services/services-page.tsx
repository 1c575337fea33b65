// Services before any exist. The list of saved services replaces the empty state when the services contract lands.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/empty-state';
import { PlusIcon, ServicesIcon } from '../../components/icons';
import { PageHeader } from '../../components/page-header';
import { AddServiceDialog } from './add-service-dialog';

export function ServicesPage() {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  return (
    <>
      <PageHeader title={t('services.title')} subtitle={t('services.subtitle')} />
      <EmptyState
        icon={<ServicesIcon size={28} />}
        title={t('services.empty.title')}
        action={
          <button type="button" className="button button--primary" onClick={() => setAdding(true)}>
            <PlusIcon size={18} />
            {t('services.add.button')}
          </button>
        }
      >
        <p>{t('services.empty.body')}</p>
        <ol className="steps">
          <li>{t('services.empty.step1')}</li>
          <li>{t('services.empty.step2')}</li>
          <li>{t('services.empty.step3')}</li>
        </ol>
        <p className="muted">{t('services.empty.note')}</p>
      </EmptyState>
      <AddServiceDialog open={adding} onClose={() => setAdding(false)} />
    </>
  );
}
