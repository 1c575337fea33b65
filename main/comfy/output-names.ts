// Output file names come from the service (a /history reply, a sink frame) and become local paths and OSS keys, so a
// hostile or broken service must not be able to name a file outside the output folder, or one that Windows would
// read as a device or a different file.

import { ValidationError } from '../errors';

const MAX_SEGMENT = 255;
const MAX_PATH = 1024;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
const CONTROL = /[\u0000-\u001f\u007f]/;
// Characters Windows refuses in a file name; ':' also opens an NTFS alternate data stream or names a drive.
const WINDOWS_FORBIDDEN = /[<>:"|?*]/;
const WINDOWS_DEVICE = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$/i;

function shown(text: string): string {
  const quoted = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  return quoted;
}

function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'has an empty path part';
  if (segment === '.' || segment === '..') return `contains "${segment}"`;
  if (CONTROL.test(segment)) return 'contains a control character';
  if (segment.includes('\\')) return 'contains a backslash';
  if (WINDOWS_FORBIDDEN.test(segment)) return 'contains a character Windows does not allow (< > : " | ? *)';
  if (/[. ]$/.test(segment)) return 'ends with a dot or a space, which Windows drops';
  if (WINDOWS_DEVICE.test(segment)) return 'is a reserved device name on Windows';
  if (segment.length > MAX_SEGMENT) return `is longer than ${MAX_SEGMENT} characters`;
  return undefined;
}

function refuse(what: string, value: string, problem: string): never {
  throw new ValidationError(
    `Refused the output ${what} ${shown(value)} sent by the service: it ${problem}. Only plain names inside the output folder are saved; check the workflow's filename_prefix.`,
  );
}

/**
 * Checks an output file's name and subfolder as a service reported them and returns the relative path
 * `<subfolder>/<filename>` (forward slashes; just the filename when the subfolder is empty). Throws ValidationError
 * for `..`, absolute paths, backslashes, NUL and control characters, and names Windows cannot hold.
 */
export function safeOutputName(filename: string, subfolder = ''): string {
  if (filename.includes('/')) refuse('file name', filename, 'contains a slash');
  const fileProblem = segmentProblem(filename);
  if (fileProblem) refuse('file name', filename, fileProblem === 'has an empty path part' ? 'is empty' : fileProblem);
  if (subfolder === '') return filename;
  if (subfolder.startsWith('/') || /^[a-zA-Z]:/.test(subfolder)) refuse('subfolder', subfolder, 'is an absolute path');
  for (const segment of subfolder.split('/')) {
    const problem = segmentProblem(segment);
    if (problem) refuse('subfolder', subfolder, problem);
  }
  const path = `${subfolder}/${filename}`;
  if (path.length > MAX_PATH) refuse('path', path, `is longer than ${MAX_PATH} characters`);
  return path;
}
