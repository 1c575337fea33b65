// An input image for a LoadImage-style node, as both editions take it: named by its content, so that the same bytes
// get the same name on every service and every run and are sent once (the Exclusive edition through ComfyUI's
// upload, editions/exclusive/input-upload.ts; the API edition into its OSS mount, editions/queue/input-upload.ts).
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors';

/** ComfyUI's own default `max_upload_size` (100 MB): a larger file would be refused by the server anyway. */
export const MAX_INPUT_BYTES = 100 * 1024 * 1024;
const UPLOAD_BASE_TIMEOUT_MS = 30_000;

export interface InputImage {
  bytes: Uint8Array;
  /** The file's type as its content says (png, jpg, webp, gif), without the dot: ComfyUI opens inputs by extension. */
  ext: string;
}

export interface UploadedInput {
  /** What a LoadImage `image` input takes: `name`, or `subfolder/name` when ComfyUI put it in a subfolder. */
  value: string;
  name: string;
  subfolder: string;
  /** The service had it already: nothing was sent. */
  reused: boolean;
}

/** `artlab-<sha256>.png`: the same bytes get the same name on every service and every run. */
export function inputImageName(image: InputImage): string {
  const sha = createHash('sha256').update(image.bytes).digest('hex');
  return `artlab-${sha.slice(0, 40)}.${image.ext}`;
}

/** Refuses what no service would take: an unknown type, an empty file, more than 100 MB. */
export function checkInputImage(image: InputImage): void {
  if (!/^[a-z0-9]{2,5}$/.test(image.ext)) {
    throw new ValidationError(`An input image needs a file type such as png or jpg, not "${image.ext}".`).withCode(
      'input-image-type',
      { type: image.ext },
    );
  }
  if (image.bytes.length === 0 || image.bytes.length > MAX_INPUT_BYTES) {
    throw new ValidationError(
      `An input image must hold between 1 byte and 100 MB (this one has ${image.bytes.length} bytes).`,
    ).withCode('input-image-size', { bytes: image.bytes.length });
  }
}

/** A reply's 30 s does not cover sending 100 MB up a slow line: a second more for every 256 KiB. */
export function uploadTimeoutMs(bytes: number): number {
  return UPLOAD_BASE_TIMEOUT_MS + Math.ceil(bytes / 262_144) * 1000;
}
