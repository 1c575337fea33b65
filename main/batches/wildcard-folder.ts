// The wildcards folder: `__name__` in a prompt stands for a line of `<folder>/name.txt` (`__people/artists__` for
// `people/artists.txt`). Files are read when a prompt names them, once per batch or preview, and bounded: a wildcard
// file is the artist's, but it may be anything (a huge log, a binary, a link outside the folder).
import { closeSync, fstatSync, openSync, readdirSync, readSync, realpathSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ValidationError } from '../errors';
import type { WildcardSource } from './dynamic-prompts';

/** The largest wildcard file read (a few hundred thousand short lines). */
export const MAX_WILDCARD_FILE_BYTES = 4 * 1024 * 1024;
/** The most files listed for Settings. */
const MAX_LISTED = 1_000;

/** The lines of a wildcard file: trimmed, without blank lines or `#` comment lines. */
export function wildcardLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function readBounded(file: string, name: string): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_WILDCARD_FILE_BYTES) {
      throw new ValidationError(
        `The wildcard file "${name}.txt" is ${Math.ceil(size / 1024 / 1024)} MiB; at most ` +
          `${MAX_WILDCARD_FILE_BYTES / 1024 / 1024} MiB are read. Split it into smaller files.`,
      ).withCode('wildcard-too-large', {
        name,
        size: Math.ceil(size / 1024 / 1024),
        max: MAX_WILDCARD_FILE_BYTES / 1024 / 1024,
      });
    }
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const text = buffer.subarray(0, read).toString('utf8');
    if (text.includes('\u0000')) {
      throw new ValidationError(
        `The wildcard file "${name}.txt" is not text. Keep one entry per line, as UTF-8.`,
      ).withCode('wildcard-not-text', { name });
    }
    return text;
  } finally {
    closeSync(fd);
  }
}

/** Wildcards read from `folder`, each file once. A name that would leave the folder is refused, never read. */
export function folderWildcards(folder: string): WildcardSource {
  const cache = new Map<string, readonly string[] | undefined>();
  const root = resolve(folder);
  return {
    folder: root,
    lines(name) {
      if (cache.has(name)) return cache.get(name);
      let lines: readonly string[] | undefined;
      const file = resolve(root, `${name}.txt`);
      if (
        name.split('/').some((part) => part === '' || part === '.' || part === '..') ||
        !file.startsWith(root + sep)
      ) {
        throw new ValidationError(
          `The wildcard name "${name}" is not a file name inside the wildcards folder.`,
        ).withCode('wildcard-name-invalid', { name });
      }
      try {
        // A link may point anywhere: what is read must still be inside the folder.
        const real = realpathSync(file);
        if (relative(realpathSync(root), real).startsWith('..')) {
          throw new ValidationError(`The wildcard file "${name}.txt" links outside the wildcards folder.`).withCode(
            'wildcard-outside-folder',
            { name },
          );
        }
        lines = wildcardLines(readBounded(real, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        lines = undefined;
      }
      cache.set(name, lines);
      return lines;
    },
  };
}

export interface WildcardEntry {
  /** As written in a prompt: `__name__`. */
  name: string;
  entries: number;
}

/** The wildcard files of the folder (subfolders included), by name, for Settings. Unreadable files are skipped. */
export function listWildcards(folder: string): WildcardEntry[] {
  const found: WildcardEntry[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 4 || found.length >= MAX_LISTED) return;
    let names: import('node:fs').Dirent[];
    try {
      names = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of names.sort((a, b) => a.name.localeCompare(b.name))) {
      if (found.length >= MAX_LISTED) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.txt')) {
        const name = relative(folder, path).slice(0, -'.txt'.length).split(sep).join('/');
        try {
          found.push({ name, entries: wildcardLines(readBounded(path, name)).length });
        } catch {
          // Too large or not text: the prompt that names it says why.
        }
      }
    }
  };
  walk(folder, 0);
  return found;
}
