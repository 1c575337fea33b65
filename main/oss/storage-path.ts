// A service's OSS output location (reference/oss.md): the storage path `oss://<bucket>/<prefix>/` the console shows
// for the mount, and the key of one output file `<prefix>/output/<subfolder>/<filename>`. A filename from a server is
// data, never a path: safeOutputName() refuses `..`, absolute paths, backslashes and NUL before it touches a key.
import { safeOutputName } from '../comfy/output-names';
import { ValidationError } from '../errors';

export interface StoragePath {
  bucket: string;
  /** Without leading or trailing slashes; '' when the mount is the bucket's root. */
  prefix: string;
}

// OSS bucket names: 3–63 characters, lower-case letters, digits and hyphens, not starting or ending with a hyphen
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

// The console shows a mount either as `oss://bucket/path/` or, in its storage list, as `bucket/path`; a
// copy may carry a trailing note (`oss://bucket/path/ (cn-shanghai)`), so only the first word is the path.
const DISPLAY_FORM = /^([a-z0-9][a-z0-9-]{1,61}[a-z0-9])\/(.*)$/;

/** The console's forms of a storage path as `oss://bucket/path/`, or undefined when the text is neither. */
export function storagePathFromConsole(text: string): string | undefined {
  const word = text.trim().split(/\s+/)[0] ?? '';
  if (/^oss:\/\/[^/\s]+/i.test(word)) return `oss://${word.slice('oss://'.length)}`;
  const display = DISPLAY_FORM.exec(word);
  return display ? `oss://${display[1]}/${display[2]}` : undefined;
}

export function parseStoragePath(text: string): StoragePath {
  const trimmed = text.trim();
  const match = /^oss:\/\/([^/]+)(?:\/(.*))?$/i.exec(trimmed);
  if (!match) {
    throw new ValidationError(
      `"${trimmed.slice(0, 120)}" is not an OSS storage path. Copy it from the service's storage settings; it looks like oss://my-bucket/data-xyz/.`,
    ).withCode('oss-path-invalid', { path: trimmed.slice(0, 120) });
  }
  const bucket = match[1] ?? '';
  if (!BUCKET.test(bucket)) {
    throw new ValidationError(
      `"${bucket}" is not a valid OSS bucket name (3–63 lower-case letters, digits and hyphens). Check the storage path.`,
    ).withCode('oss-bucket-name-invalid', { bucket });
  }
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix !== '') {
    for (const segment of prefix.split('/')) {
      if (segment === '' || segment === '.' || segment === '..' || segment.includes('\\') || segment.includes('\0')) {
        throw new ValidationError(
          `The storage path "${trimmed.slice(0, 120)}" has an unusable folder part ("${segment}"). Check the storage path.`,
        ).withCode('oss-path-folder-invalid', { path: trimmed.slice(0, 120), segment });
      }
    }
  }
  return { bucket, prefix };
}

/** The folder all outputs live under: `<prefix>/output/` (or `output/` at the bucket root). */
export function outputFolder(path: StoragePath): string {
  return path.prefix === '' ? 'output/' : `${path.prefix}/output/`;
}

/** The key of one output file; throws ValidationError for a hostile filename or subfolder. */
export function outputKey(path: StoragePath, file: { filename: string; subfolder?: string }): string {
  return `${outputFolder(path)}${safeOutputName(file.filename, file.subfolder ?? '')}`;
}

/**
 * The folder input images go into: `<prefix>/input/`. The service mounts this storage path as ComfyUI's data
 * directory (outputs are `<prefix>/output/…`, published), so ComfyUI's input folder is `<prefix>/input/` — inferred
 * from ComfyUI's own layout, not published for the API edition. Were a deployment to read inputs elsewhere, this one
 * function is the place to change.
 */
export function inputFolder(path: StoragePath): string {
  return path.prefix === '' ? 'input/' : `${path.prefix}/input/`;
}

/** The key of an input image; its name is the app's own content name, never a name from elsewhere. */
export function inputKey(path: StoragePath, name: string): string {
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(name) || name.startsWith('.')) {
    throw new ValidationError(`"${name.slice(0, 80)}" cannot name an input image in OSS.`).withCode(
      'input-image-name',
      { name: name.slice(0, 80) },
    );
  }
  return `${inputFolder(path)}${name}`;
}
