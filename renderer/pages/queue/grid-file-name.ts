// The saved grid's file name, from the batch label the artist typed (or a wildcard expanded). No DOM here, so that
// it is tested in Node.

/** A file name from a batch label: no path separators, control or reserved characters, not too long. */
export function safeName(label: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = label.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069<>:"/\\|?*]+/g, ' ').trim();
  return cleaned.slice(0, 80).trim() || 'batch';
}
