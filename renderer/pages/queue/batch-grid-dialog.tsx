// A batch as a labelled X/Y table of thumbnails, the other axes (Z) chosen one value at a time, after SwarmUI's Grid
// Generator. The artist picks which axis runs across and which down; choosing for X the axis that was Y swaps them.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BatchGridDto } from '../../../preload/schemas/jobs';
import { inputLabel } from '../../api/input-pictures';
import { drawGridSheet, saveGridSheet, type GridPaint } from './grid-export';
import { useBatchGrid } from './use-batch-grid';

type Axis = BatchGridDto['axes'][number];

export function useAxisName() {
  const { t } = useTranslation();
  return (axis: Axis): string =>
    axis.kind === 'prompt'
      ? t('queue.grid.prompt')
      : axis.kind === 'seed'
        ? t('queue.grid.seed')
        : axis.parameters.map((p) => `${p.nodeTitle} › ${p.input}`).join(' / ');
}

export function BatchGridDialog(props: {
  batchId: string;
  label: string;
  onOpenImage: (imageId: number, preview: boolean) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const axisName = useAxisName();
  const ref = useRef<HTMLDialogElement>(null);
  const { grid, thumbs, error } = useBatchGrid(props.batchId);
  // undefined: the grid's default, known once it is read.
  const [chosenX, setX] = useState<number | null | undefined>(undefined);
  const [chosenY, setY] = useState<number | null | undefined>(undefined);
  const [zValues, setZValues] = useState<Record<number, number>>({});

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const x = chosenX === undefined ? (grid?.defaultAxes.x ?? null) : chosenX;
  const y = chosenY === undefined ? (grid?.defaultAxes.y ?? null) : chosenY;

  const cells = useMemo(() => new Map(grid?.cells.map((cell) => [cell.coords.join(','), cell])), [grid]);
  const axes = grid?.axes ?? [];
  const zAxes = axes.map((_, i) => i).filter((i) => i !== x && i !== y);
  const columns = x === null ? [0] : (axes[x]?.values ?? []).map((_, i) => i);
  const rows = y === null ? [0] : (axes[y]?.values ?? []).map((_, i) => i);

  const nameOf = (i: number | null): string => {
    const axis = i === null ? undefined : axes[i];
    return axis ? axisName(axis) : '';
  };

  /** An axis value as the artist knows it (an input image by its file name, not its content name). */
  const valueAt = (axis: number, index: number): string => {
    const value = axes[axis]?.values[index];
    return value === undefined ? '' : inputLabel(String(value));
  };

  const choose = (which: 'x' | 'y', value: number | null) => {
    const other = which === 'x' ? y : x;
    const current = which === 'x' ? x : y;
    if (value !== null && value === other) (which === 'x' ? setY : setX)(current);
    (which === 'x' ? setX : setY)(value);
  };

  const cellAt = (column: number, row: number) => {
    const coords = axes.map((_, i) => (i === x ? column : i === y ? row : (zValues[i] ?? 0)));
    return cells.get(coords.join(','));
  };

  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  /** The grid as shown (its axes and the Z values chosen) as one labelled PNG. */
  const savePng = async () => {
    const paint = (column: number, row: number): GridPaint => {
      const jobs = cellAt(column, row)?.jobs ?? [];
      const shown = jobs.find((job) => job.imageId !== null) ?? jobs[0];
      const url = shown?.imageId == null ? null : (thumbs.get(shown.imageId)?.thumbUrl ?? null);
      if (url) return { kind: 'image', url };
      return { kind: 'text', text: shown ? t(`queue.state.${shown.state}`) : '—' };
    };
    const chosenZ = zAxes.map((i) => `${nameOf(i)}: ${valueAt(i, zValues[i] ?? 0) ?? ''}`);
    setSaving(true);
    try {
      const blob = await drawGridSheet({
        title: [t('queue.grid.title', { label: props.label }), ...chosenZ].join(' · '),
        corner: [nameOf(y), nameOf(x)].filter(Boolean).join(' \\ '),
        columns: columns.map((column) => (x === null ? '' : (valueAt(x, column) ?? ''))),
        rows: rows.map((row) => (y === null ? '' : (valueAt(y, row) ?? ''))),
        cells: rows.map((row) => columns.map((column) => paint(column, row))),
      });
      saveGridSheet(blob, props.label);
      setSaveError(null);
    } catch {
      // A canvas the browser refuses (too large, or tainted): the reason is the browser's, in English; say it plainly.
      setSaveError(t('queue.grid.saveFailed'));
    } finally {
      setSaving(false);
    }
  };

  return (
    <dialog ref={ref} className="grid-dialog" aria-labelledby="grid-dialog-title" onClose={props.onClose}>
      <header className="grid-dialog__header">
        <h2 id="grid-dialog-title">{t('queue.grid.title', { label: props.label })}</h2>
        {grid && axes.length > 0 ? (
          <button type="button" className="button button--small-q" disabled={saving} onClick={() => void savePng()}>
            {t('queue.grid.savePng')}
          </button>
        ) : null}
        <button type="button" className="button button--small-q" onClick={() => ref.current?.close()}>
          {t('queue.grid.close')}
        </button>
      </header>
      {error ? <p className="form-error">{error}</p> : null}
      {saveError ? <p className="form-error">{saveError}</p> : null}
      {!grid ? <p className="muted">{t('common.loading')}</p> : null}
      {grid && axes.length === 0 ? <p className="muted">{t('queue.grid.noAxes')}</p> : null}
      {grid && axes.length > 0 ? (
        <>
          <div className="grid-dialog__axes">
            {(['x', 'y'] as const).map((which) => (
              <label key={which}>
                {t(`queue.grid.${which}`)}
                <select
                  className="select"
                  value={(which === 'x' ? x : y) ?? ''}
                  onChange={(event) => choose(which, event.target.value === '' ? null : Number(event.target.value))}
                >
                  {which === 'y' ? <option value="">{t('queue.grid.none')}</option> : null}
                  {axes.map((axis, i) => (
                    <option key={i} value={i}>
                      {axisName(axis)}
                    </option>
                  ))}
                </select>
              </label>
            ))}
            {zAxes.map((i) => (
              <label key={i}>
                {nameOf(i)}
                <select
                  className="select"
                  value={zValues[i] ?? 0}
                  onChange={(event) => setZValues({ ...zValues, [i]: Number(event.target.value) })}
                >
                  {(axes[i]?.values ?? []).map((value, v) => (
                    <option key={v} value={v}>
                      {inputLabel(String(value))}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
          <div className="grid-dialog__scroll">
            <table className="grid-table" data-testid="batch-grid">
              <thead>
                <tr>
                  <th scope="col" className="grid-table__corner">
                    {[nameOf(y), nameOf(x)].filter(Boolean).join(' \\ ')}
                  </th>
                  {columns.map((column) => (
                    <th key={column} scope="col">
                      {x === null ? '' : valueAt(x, column)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row}>
                    <th scope="row">{y === null ? '' : valueAt(y, row)}</th>
                    {columns.map((column) => (
                      <td key={column}>
                        <GridCell cell={cellAt(column, row)} thumbs={thumbs} onOpenImage={props.onOpenImage} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </dialog>
  );
}

function GridCell(props: {
  cell: BatchGridDto['cells'][number] | undefined;
  thumbs: ReturnType<typeof useBatchGrid>['thumbs'];
  onOpenImage: (imageId: number, preview: boolean) => void;
}) {
  const { t } = useTranslation();
  const jobs = props.cell?.jobs ?? [];
  const shown = jobs.find((job) => job.imageId !== null) ?? jobs[0];
  if (!shown) return <span className="grid-cell grid-cell--empty muted">—</span>;
  const images = jobs.reduce((sum, job) => sum + job.imageCount, 0);
  const image = shown.imageId === null ? undefined : props.thumbs.get(shown.imageId);
  const src = image?.thumbUrl ?? null;
  if (shown.imageId === null || !src) {
    return (
      <span className={`grid-cell grid-cell--${shown.state}`} data-state={shown.state}>
        {t(`queue.state.${shown.state}`)}
      </span>
    );
  }
  const imageId = shown.imageId;
  return (
    <button
      type="button"
      className="grid-cell grid-cell--image"
      data-state={shown.state}
      aria-label={t('ui.queue.openImage')}
      onClick={() => props.onOpenImage(imageId, image?.preview === true)}
    >
      <img src={src} alt="" loading="lazy" />
      {images > 1 ? <span className="grid-cell__count">{t('queue.grid.count', { count: images })}</span> : null}
    </button>
  );
}
