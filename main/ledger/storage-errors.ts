// SQLite and file-system failures of the ledger as StorageError, each with a sentence that says what to do. Other
// errors (our own, constraint violations that are programming errors) pass through unchanged.

import { StorageError } from '../errors';

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** The StorageError for a failure of the database at `file`, or undefined when it is not a storage failure. */
export function toStorageError(error: unknown, file: string): StorageError | undefined {
  const code = codeOf(error);
  if (code === undefined) return undefined;
  const where = `the job database (${file})`;
  let message: string | undefined;
  let sentence: string | undefined;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    message = `The disk is full, so ${where} could not be saved. Free some space on the drive, then try again; the last change was not kept.`;
    sentence = 'ledger-disk-full';
  } else if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    message = `ArtLab cannot write to ${where}. Make sure its folder is writable (not on a read-only or locked drive) and that no other program holds the file, then restart ArtLab.`;
    sentence = 'ledger-unwritable';
  } else if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    message = `${capitalize(where)} is damaged. Quit ArtLab and move the file aside (ArtLab then starts a new, empty one), or restore it from a backup.`;
    sentence = 'ledger-damaged';
  } else if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
    message = `The drive reported an error while reading or writing ${where}. Check the drive and free space, then try again.`;
    sentence = 'ledger-drive-error';
  } else if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOENT' || code === 'ENOTDIR' || code === 'EEXIST') {
    message = `ArtLab cannot open ${where}. Check that the data folder exists, is a folder (not a file) and is writable, then restart ArtLab.`;
    sentence = 'ledger-unopenable';
  } else if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    message = `${capitalize(where)} is in use by another program (perhaps a second ArtLab). Close it, then try again.`;
    sentence = 'ledger-busy';
  } else if (code === 'ERR_DLOPEN_FAILED') {
    // better-sqlite3 is native: built for Electron's ABI after `npm start`, for Node's in tests (and the reverse).
    message = `The database engine for ${where} does not match this runtime. Reinstall ArtLab Desktop (developers: run "npm rebuild better-sqlite3" for Node, or let electron-builder rebuild it for Electron).`;
    sentence = 'ledger-engine-mismatch';
  }
  if (message === undefined || sentence === undefined) return undefined;
  return new StorageError(message, { cause: error }).withCode(sentence, { file });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Runs `work`, turning a storage failure into a StorageError. */
export function withStorage<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw toStorageError(error, file) ?? error;
  }
}
