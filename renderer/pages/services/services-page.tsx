// The services the artist generates with: each with its edition, address, health and actions; adding one takes a
// paste and a click. Before any exist, the empty state explains where the call information comes from.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceDto } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { EmptyState } from '../../components/empty-state';
import { PlusIcon, ServicesIcon } from '../../components/icons';
import { PageHeader } from '../../components/page-header';
import { errorMessage } from '../../settings/settings-context';
import { DeleteServiceDialog } from './delete-service-dialog';
import { clearOssEditRequest, pendingOssEdit } from './oss-edit-request';
import { ServiceCard } from './service-card';
import { ServiceDialog } from './service-dialog';
import { useServices } from './use-services';
import { VaultBanner } from './vault-banner';
import './services.css';

export function ServicesPage() {
  const { t } = useTranslation();
  const state = useServices();
  const [dialog, setDialog] = useState<ServiceDto | 'new' | null>(null);
  const [dialogFocus, setDialogFocus] = useState<'oss' | undefined>(undefined);
  const [deleting, setDeleting] = useState<ServiceDto | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const openDialog = (target: ServiceDto | 'new', at?: 'oss') => {
    setRequested(null);
    setDialogFocus(at);
    setDialog(target);
  };

  // Compose's "Add OSS location" lands here: that service's dialog opens at the OSS fields once the list is in.
  const [requested, setRequested] = useState(pendingOssEdit);
  useEffect(() => clearOssEditRequest(), []);
  const services = state.services;
  const requestedService = requested ? services?.find((candidate) => candidate.id === requested) : undefined;
  const dialogTarget = dialog ?? requestedService ?? null;
  const focus = dialog ? dialogFocus : requestedService ? 'oss' : undefined;

  const duplicate = async (service: ServiceDto) => {
    try {
      const copy = await artlab.call('services.duplicate', { id: service.id });
      setActionError(null);
      void state.test(copy.id);
    } catch (cause) {
      setActionError(errorMessage(cause));
    }
  };

  const addButton = (
    <button type="button" className="button button--primary" onClick={() => openDialog('new')}>
      <PlusIcon size={18} />
      {t('services.add.button')}
    </button>
  );
  const error = actionError ?? state.error;

  return (
    <>
      <PageHeader
        title={t('services.title')}
        subtitle={t('services.subtitle')}
        actions={services && services.length > 0 ? addButton : undefined}
      />
      <VaultBanner status={state.vault} onStatus={state.setVault} />
      {error ? (
        <p className="alert" role="alert">
          {error}
        </p>
      ) : null}
      {services === null ? (
        <p className="muted">{t('common.loading')}</p>
      ) : services.length === 0 ? (
        <EmptyState icon={<ServicesIcon size={28} />} title={t('services.empty.title')} action={addButton}>
          <p>{t('services.empty.body')}</p>
          <ol className="steps">
            <li>{t('services.empty.step1')}</li>
            <li>{t('services.empty.step2')}</li>
            <li>{t('services.empty.step3')}</li>
          </ol>
          <p className="muted">{t('services.empty.note')}</p>
        </EmptyState>
      ) : (
        <ul className="service-list" aria-label={t('services.listLabel')}>
          {services.map((service) => (
            <ServiceCard
              key={service.id}
              service={service}
              checking={state.testing.has(service.id)}
              connection={state.connections.get(service.id)}
              onTest={() => void state.test(service.id)}
              onEdit={() => openDialog(service)}
              onAddOss={() => openDialog(service, 'oss')}
              onDuplicate={() => void duplicate(service)}
              onDelete={() => setDeleting(service)}
            />
          ))}
        </ul>
      )}
      <ServiceDialog
        target={dialogTarget}
        {...(focus ? { focus } : {})}
        onClose={() => {
          setRequested(null);
          setDialog(null);
        }}
        onSaved={(service) => void state.test(service.id)}
      />
      <DeleteServiceDialog service={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}
