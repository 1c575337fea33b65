// The OSS browser: a service's `output/` folder page by page (folders, files with size and date, what is already in
// the gallery), and importing the selected files or the whole page. Imported images arrive through `gallery.added`.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OssFile, OssListPage } from '../../../preload/schemas/gallery';
import type { ServiceDto } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { Dialog } from '../../components/dialog';
import { formatBytes, formatDateTime } from '../../i18n/format';
import { errorMessage } from '../../settings/settings-context';

const OSS_PAGE = 100;

function fileKey(file: OssFile): string {
  return `${file.subfolder}/${file.filename}`;
}

export function OssBrowser(props: { open: boolean; services: readonly ServiceDto[]; onClose: () => void }) {
  const { t } = useTranslation();
  const withOss = props.services.filter((service) => service.oss !== undefined);
  const [serviceId, setServiceId] = useState('');
  const [subfolder, setSubfolder] = useState('');
  // Cursors of the pages before the current one (keyset paging only goes forward; "previous" pops).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<OssListPage | null>(null);
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  // Which listing `page` answers: busy while the one asked for has not arrived.
  const [loadedKey, setLoadedKey] = useState<string | null>(null);
  const service = withOss.find((item) => item.id === serviceId) ?? withOss[0];
  const cursor = cursors.at(-1);
  // Bumped after an import, so the "in gallery" marks are read again.
  const [generation, setGeneration] = useState(0);
  const listKey = JSON.stringify([service?.id, subfolder, cursor, generation]);
  const busy = importing || (props.open && service !== undefined && loadedKey !== listKey);

  useEffect(() => {
    if (!props.open || !service) return;
    let cancelled = false;
    artlab
      .call('gallery.oss.list', { serviceId: service.id, subfolder, cursor, limit: OSS_PAGE })
      .then((answer) => {
        if (cancelled) return;
        setPage(answer);
        setError(null);
        setLoadedKey(listKey);
      })
      .catch((cause: unknown) => {
        if (cancelled) return;
        setError(errorMessage(cause));
        setLoadedKey(listKey);
      });
    return () => {
      cancelled = true;
    };
  }, [props.open, service, subfolder, cursor, listKey]);

  // Imported files are marked once indexed: each arrival in the gallery reads the page again.
  useEffect(() => {
    if (!props.open) return;
    return artlab.on('gallery.added', () => setGeneration((n) => n + 1));
  }, [props.open]);

  const openFolder = (folder: string) => {
    setSubfolder(folder);
    setCursors([undefined]);
    setChecked(new Set());
  };
  const importFiles = (files: readonly OssFile[]) => {
    if (!service || files.length === 0) return;
    setImporting(true);
    artlab
      .call('gallery.oss.import', {
        serviceId: service.id,
        files: files.map((file) => ({ filename: file.filename, subfolder: file.subfolder })),
      })
      .then((result) => {
        setNotice(t('gallery.oss.imported', { queued: result.queued, already: result.already }));
        setError(null);
      })
      .catch((cause: unknown) => setError(errorMessage(cause)))
      .finally(() => setImporting(false));
  };
  const toggle = (file: OssFile) =>
    setChecked((current) => {
      const next = new Set(current);
      if (next.has(fileKey(file))) next.delete(fileKey(file));
      else next.add(fileKey(file));
      return next;
    });

  const files = page?.files ?? [];
  const parent = subfolder.includes('/') ? subfolder.slice(0, subfolder.lastIndexOf('/')) : '';

  return (
    <Dialog open={props.open} title={t('gallery.oss.title')} onClose={props.onClose}>
      <div className="dialog__body oss-browser">
        {withOss.length === 0 ? (
          <p className="muted">{t('gallery.oss.noService')}</p>
        ) : (
          <>
            <div className="oss-browser__bar">
              <select
                className="select"
                aria-label={t('gallery.oss.service')}
                value={service?.id ?? ''}
                data-autofocus
                onChange={(event) => {
                  setServiceId(event.target.value);
                  openFolder('');
                }}
              >
                {withOss.map((item) => (
                  <option key={item.id} value={item.id}>
                    {item.name}
                  </option>
                ))}
              </select>
              <code className="oss-browser__path">
                {t('gallery.oss.path', { path: subfolder ? `${subfolder}/` : '' })}
              </code>
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
            <ul className="oss-browser__list" aria-label={t('gallery.oss.listLabel')} aria-busy={busy}>
              {subfolder !== '' ? (
                <li className="oss-browser__row">
                  <button type="button" className="link-button" onClick={() => openFolder(parent)}>
                    {t('gallery.oss.up')}
                  </button>
                </li>
              ) : null}
              {(page?.folders ?? []).map((folder) => (
                <li key={folder} className="oss-browser__row">
                  <button type="button" className="link-button" onClick={() => openFolder(folder)}>
                    {`📁 ${folder.split('/').at(-1) ?? folder}/`}
                  </button>
                </li>
              ))}
              {files.map((file) => (
                <li key={file.key} className="oss-browser__row">
                  <label className="oss-browser__file">
                    <input type="checkbox" checked={checked.has(fileKey(file))} onChange={() => toggle(file)} />
                    <span className="oss-browser__name">{file.filename}</span>
                  </label>
                  <span className="oss-browser__meta">{formatBytes(file.size)}</span>
                  <span className="oss-browser__meta">
                    {file.lastModified === null ? '' : formatDateTime(file.lastModified)}
                  </span>
                  <span className="oss-browser__mark">{file.imageId !== null ? t('gallery.oss.already') : ''}</span>
                </li>
              ))}
              {page && files.length === 0 && page.folders.length === 0 ? (
                <li className="muted">{t('gallery.oss.emptyFolder')}</li>
              ) : null}
            </ul>
            {page && page.refused > 0 ? (
              <p className="muted">{t('gallery.oss.refused', { count: page.refused })}</p>
            ) : null}
          </>
        )}
        <div className="dialog__actions gallery-dialog-actions">
          <button
            type="button"
            className="button"
            disabled={cursors.length < 2 || busy}
            onClick={() => {
              setChecked(new Set());
              setCursors((list) => list.slice(0, -1));
            }}
          >
            {t('gallery.oss.previous')}
          </button>
          <button
            type="button"
            className="button"
            disabled={!page?.nextCursor || busy}
            onClick={() => {
              setChecked(new Set());
              setCursors((list) => [...list, page?.nextCursor ?? undefined]);
            }}
          >
            {t('gallery.oss.next')}
          </button>
          <span className="oss-browser__spacer" />
          <button
            type="button"
            className="button"
            disabled={busy || files.length === 0}
            onClick={() => importFiles(files)}
          >
            {t('gallery.oss.importPage')}
          </button>
          <button
            type="button"
            className="button button--primary"
            disabled={busy || checked.size === 0}
            onClick={() => importFiles(files.filter((file) => checked.has(fileKey(file))))}
          >
            {t('gallery.oss.importSelected', { count: checked.size })}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
