// The batch grid as one PNG with its labels, as SwarmUI's Grid Generator saves it: a title, the X axis's values
// across the top, the Y axis's down the left, each cell's image (or its state, in words) in a white sheet that reads
// the same whatever the app's theme. Drawn on a canvas from the thumbnails the grid already shows (same-origin in
// the browser; the media scheme answers with CORS in the desktop app), then saved through the browser's download.
import { safeName } from './grid-file-name';

export type GridPaint = { kind: 'image'; url: string } | { kind: 'text'; text: string };

export interface GridSheet {
  title: string;
  /** "Y \ X": the axes' names, for the corner. */
  corner: string;
  columns: string[];
  rows: string[];
  /** cells[row][column]. */
  cells: GridPaint[][];
}

/** A cell's side at most, and the widest sheet (Chromium draws canvases up to 16384 px a side; PNGs stay sane). */
const CELL_MAX = 256;
const CELL_MIN = 64;
const SHEET_MAX = 8192;
const PAD = 8;
const LABEL_FONT = '15px system-ui, "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';
const TITLE_FONT = `600 ${LABEL_FONT.replace('15px', '18px')}`;
const LINE = 19;
const MAX_LINES = 3;

/** Draws the sheet; resolves with the PNG. Images that cannot be read draw as an empty cell. */
export async function drawGridSheet(sheet: GridSheet): Promise<Blob> {
  const measure = document.createElement('canvas').getContext('2d');
  if (!measure) throw new Error('This browser cannot draw the grid.');
  measure.font = LABEL_FONT;
  const columns = Math.max(1, sheet.columns.length);
  // Wide enough for the longest row label, and for the corner's axis names on up to three lines.
  const widest = (labels: readonly string[]) => Math.max(0, ...labels.map((label) => measure.measureText(label).width));
  const rowLabelWidth = Math.min(
    320,
    Math.max(80, widest(sheet.rows), Math.min(200, widest([sheet.corner]))) + 2 * PAD,
  );
  const cell = Math.max(CELL_MIN, Math.min(CELL_MAX, Math.floor((SHEET_MAX - rowLabelWidth) / columns)));
  const columnLines = sheet.columns.map((label) => wrap(measure, label, cell - 2 * PAD));
  const cornerLines = wrap(measure, sheet.corner, rowLabelWidth - 2 * PAD);
  const headerLines = Math.max(cornerLines.length, ...columnLines.map((lines) => lines.length));
  const titleHeight = 40;
  const headerHeight = headerLines * LINE + 2 * PAD;
  const width = Math.ceil(rowLabelWidth + columns * cell);
  const height = Math.ceil(titleHeight + headerHeight + Math.max(1, sheet.rows.length) * cell);

  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw the grid.');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#1f2328';
  ctx.textBaseline = 'middle';
  ctx.font = TITLE_FONT;
  ctx.fillText(fit(ctx, sheet.title, width - 2 * PAD), PAD, titleHeight / 2);

  ctx.font = LABEL_FONT;
  ctx.fillStyle = '#57606a';
  const cornerTop = titleHeight + headerHeight / 2 - ((cornerLines.length - 1) * LINE) / 2;
  cornerLines.forEach((line, i) => ctx.fillText(line, PAD, cornerTop + i * LINE));
  ctx.fillStyle = '#1f2328';
  ctx.textAlign = 'center';
  columnLines.forEach((lines, column) => {
    const x = rowLabelWidth + column * cell + cell / 2;
    const top = titleHeight + headerHeight / 2 - ((lines.length - 1) * LINE) / 2;
    lines.forEach((line, i) => ctx.fillText(line, x, top + i * LINE));
  });
  const rowLines = sheet.rows.map((label) => wrap(ctx, label, rowLabelWidth - 2 * PAD));
  ctx.textAlign = 'left';
  rowLines.forEach((lines, row) => {
    const top = titleHeight + headerHeight + row * cell + cell / 2 - ((lines.length - 1) * LINE) / 2;
    lines.forEach((line, i) => ctx.fillText(line, PAD, top + i * LINE));
  });

  const images = await Promise.all(
    sheet.cells.flatMap((cells, row) =>
      cells.map(async (paint, column) => ({ row, column, paint, image: await loadImage(paint) })),
    ),
  );
  ctx.textAlign = 'center';
  ctx.fillStyle = '#57606a';
  for (const { row, column, paint, image } of images) {
    const left = rowLabelWidth + column * cell;
    const top = titleHeight + headerHeight + row * cell;
    if (image) {
      const scale = Math.min((cell - 2 * PAD) / image.width, (cell - 2 * PAD) / image.height);
      const w = image.width * scale;
      const h = image.height * scale;
      ctx.drawImage(image, left + (cell - w) / 2, top + (cell - h) / 2, w, h);
    } else if (paint.kind === 'text') {
      ctx.fillText(fit(ctx, paint.text, cell - 2 * PAD), left + cell / 2, top + cell / 2);
    }
  }
  ctx.strokeStyle = '#d0d7de';
  ctx.lineWidth = 1;
  for (let column = 0; column <= columns; column++) {
    const x = Math.round(rowLabelWidth + column * cell) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, titleHeight);
    ctx.lineTo(x, height);
    ctx.stroke();
  }
  for (let row = 0; row <= Math.max(1, sheet.rows.length); row++) {
    const y = Math.round(titleHeight + headerHeight + row * cell) + 0.5;
    ctx.beginPath();
    ctx.moveTo(0, y);
    ctx.lineTo(width, y);
    ctx.stroke();
  }

  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The grid could not be drawn.'))), 'image/png'),
  );
}

/** Saves the PNG through the browser's download (the desktop app asks where). */
export function saveGridSheet(blob: Blob, label: string): void {
  const link = document.createElement('a');
  const url = URL.createObjectURL(blob);
  link.href = url;
  link.download = `${safeName(label)} grid.png`;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function loadImage(paint: GridPaint): Promise<HTMLImageElement | null> {
  if (paint.kind !== 'image') return Promise.resolve(null);
  return new Promise((resolve) => {
    const image = new Image();
    // The desktop app's media scheme is another origin: without CORS the canvas could not be saved.
    image.crossOrigin = 'anonymous';
    image.onload = () => resolve(image);
    image.onerror = () => resolve(null);
    image.src = paint.url;
  });
}

/** Up to MAX_LINES lines of at most `width` px, the last cut with an ellipsis when the text is longer. */
function wrap(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  // Words where there are spaces; each character where there are none (Chinese, long file names).
  for (const piece of text
    .split(/(\s+)/)
    .flatMap((word) => (ctx.measureText(word).width > width ? [...word] : [word]))) {
    const next = line + piece;
    if (ctx.measureText(next).width <= width || line === '') {
      line = next;
      continue;
    }
    lines.push(line.trimEnd());
    line = piece.trimStart();
    if (lines.length === MAX_LINES) break;
  }
  if (lines.length < MAX_LINES && line) lines.push(line);
  else if (line) lines[MAX_LINES - 1] = fit(ctx, `${lines[MAX_LINES - 1] ?? ''} ${line}`, width);
  return lines.length > 0 ? lines : [''];
}

function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}
