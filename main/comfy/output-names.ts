// Output file names come from the service (a /history reply, a sink frame) and become local paths and OSS keys, so a
// hostile or broken service must not be able to name a file outside the output folder, or one that Windows would
// read as a device or a different file, or one whose name reads as something else on screen.

import { ValidationError } from '../errors';

const MAX_SEGMENT = 255;
const MAX_PATH = 1024;
/**
 * Characters that change how a name reads without being seen: C0/C1 controls, format characters (bidirectional
 * overrides and isolates — U+202E shows "\u202Egnp.exe" as "exe.png" — zero-width spaces and joiners, the BOM, soft
 * hyphens), line and paragraph separators, lone surrogates, and the Hangul fillers that render as blank.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0]/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');
// Characters Windows refuses in a file name; ':' also opens an NTFS alternate data stream or names a drive.
const WINDOWS_FORBIDDEN = /[<>:"|?*]/;
const WINDOWS_DEVICE = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$/i;

/** The first hidden character of `text` as `U+XXXX`, or undefined when it has none. */
export function hiddenCharacter(text: string): string | undefined {
  const found = HIDDEN.exec(text)?.[0];
  return found === undefined ? undefined : codePoint(found);
}

function codePoint(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A name as it may be shown (in a message, a list, a log): every hidden character replaced by its escape (`\u202e`,
 * as JSON writes a control character), so what is on screen is what the name holds. Names that are written (files,
 * keys) are refused instead.
 */
export function visibleName(text: string): string {
  return text.replace(HIDDEN_ALL, (character) => {
    const code = character.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Quoted for a message; JSON.stringify escapes the C0 controls, visibleName() the rest. */
function shown(text: string): string {
  return visibleName(JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text));
}

function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'has an empty path part';
  if (segment === '.' || segment === '..') return `contains "${segment}"`;
  const hidden = hiddenCharacter(segment);
  if (hidden) return `contains an invisible or direction-changing character (${hidden})`;
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

/**
 * The files of a result whose names are safe, and the reason each other file was refused: both editions record only
 * the first list, so a hostile name is never stored, shown or fetched.
 */
export function partitionOutputNames<File extends { filename: string; subfolder: string }>(
  files: readonly File[],
): { safe: File[]; refused: string[] } {
  const safe: File[] = [];
  const refused: string[] = [];
  for (const file of files) {
    try {
      safeOutputName(file.filename, file.subfolder);
      safe.push(file);
    } catch (error) {
      refused.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { safe, refused };
}
